import type { SchemaTexts } from './schema-texts';

/**
 * 由引擎 JSON Schema 生成的表单（字段类型设置、工作流触发器与动作、审批步骤）的中文标题和说明。
 * 键为属性名，或 `<上下文>.<属性名>`（上下文为字段类型或分支键）；`{default}` 代表属性的默认值。
 * schema-texts.test.ts 会遍历引擎的所有设置，缺少翻译即失败。
 */

/** 字段类型的设置（field.schema.json 中每个类型的 settings）。 */
export const FIELD_SETTING_TEXTS_ZH: SchemaTexts = {
  maxLength: { title: '最大长度', description: '接受的最长值，以字符计（默认 {default}）。' },
  encrypted: {
    title: '加密',
    description:
      '加密存储该值（AES-256-GCM，密钥为 TESSERA_ENCRYPTION_KEY）。可按精确值筛选（等于、属于、为空），但不能排序、分组、按范围筛选、按部分内容搜索，也不能被公式读取。',
  },
  min: { title: '最小值', description: '接受的最小值。' },
  max: { title: '最大值', description: '接受的最大值。' },
  precision: { title: '精度（位数）', description: '有效数字的总位数（默认 {default}）。' },
  scale: { title: '小数位数', description: '小数点后的位数（默认 {default}）。' },
  values: { title: '选项值', description: '可选的值，按显示顺序排列。' },
  value: { title: '值', description: '存储的值；修改标签时保持不变。' },
  label: { title: '标签', description: '用户看到的文字；默认为值本身。' },
  color: { title: '颜色', description: '徽标和看板列的颜色，格式为 #rrggbb。' },
  active: { title: '启用', description: '用户选择时提供此值。停用的值仍保留在使用它的记录上，并且仍可用于筛选。' },
  restricted: { title: '只允许列表中的值', description: '拒绝不在列表中的值。' },
  isStage: { title: '显示为阶段路径', description: '在记录页和看板上将这些值显示为路径（如销售阶段、工单状态）。' },
  target: { title: '关联对象', description: '此字段指向的对象的 API 名称。' },
  onDelete: {
    title: '关联记录被删除时',
    description: '被引用的记录删除时：拒绝删除（restrict）、清空此字段（setNull）或同时删除此记录（cascade）。',
  },
  relationshipName: { title: '相关列表名称', description: '目标对象上相关列表的名称（默认为此对象的复数名称）。' },
  'masterDetail.relationshipName': { description: '父对象上相关列表的名称。' },
  format: {
    title: '显示格式',
    description: '显示格式：前缀、表示补零编号的 {000…}、后缀。例如：CASE-{00000}。',
  },
  startAt: { title: '起始编号', description: '发出的第一个编号。' },
  expression: {
    title: '公式（json-logic）',
    description: '基于此对象字段的 json-logic，例如 {"*": [{"var": "amount"}, {"/": [{"var": "probability"}, 100]}]}。',
  },
  returnType: { title: '结果类型', description: '计算值的类型。' },
  'rollup.returnType': { description: '数字（number）；对日期字段取最小值或最大值时为 date 或 datetime。' },
  child: { title: '子对象', description: '要汇总的子对象的 API 名称。' },
  relationField: { title: '指向此对象的子字段', description: '子对象中指向此对象的查找或主从字段。' },
  aggregate: {
    title: '汇总方式',
    description: '子记录计数（count），或其某个字段的求和（sum）、最小值（min）、最大值（max）。',
  },
  field: { title: '要汇总的子字段', description: '要求和、取最小值或最大值的子字段（计数时不需要）。' },
  filter: {
    title: '仅统计符合条件的子记录（筛选）',
    description: '只有符合此筛选条件的子记录才计入（列表筛选语言）。',
  },
};

/** 工作流的触发器与动作、审批步骤（workflow.schema.json、approval-process.schema.json 的分支）。 */
export const AUTOMATION_TEXTS_ZH: SchemaTexts = {
  // 多处共用的标题
  values: { title: '值（JSON）' },
  object: { title: '对象' },
  filter: { title: '筛选（JSON）' },
  to: { title: '收件人' },
  title: { title: '标题' },
  body: { title: '正文' },
  user: { title: '用户 ID', description: '用户的 ID。' },
  role: { title: '角色' },
  group: { title: '组' },
  owner: { title: '所有者' },
  secret: { title: '密钥' },
  field: { title: '字段' },
  address: { title: '地址' },
  // 动作
  'updateRecord.values': { description: '要设置的字段及其新值。' },
  'createRecord.object': { description: '新记录所属对象的 API 名称。' },
  'createRecord.values': { description: '新记录的字段。' },
  'webhook.url': {
    title: 'URL',
    description:
      '端点：http 或 https，且不能是内部网络地址（回环、私有、链路本地、保留地址），除非其主机在 TESSERA_WEBHOOK_ALLOW_HOSTS 中。',
  },
  'webhook.secret': {
    description: '端点的签名密钥（whsec_ 加 base64）；留空时自动生成。接收方用它验证 webhook-signature。',
  },
  'email.to': { description: '谁接收这封邮件。' },
  'email.address': { description: '一个电子邮件地址。' },
  'email.field': { description: '触发记录上的一个电子邮件字段。' },
  'email.owner': { description: '触发记录的所有者。' },
  'email.subject': { title: '主题', description: '主题，可使用合并字段：{{name}}、{{account.name}}。' },
  'email.body': { description: '纯文本正文，可使用合并字段。' },
  'email.html': { title: 'HTML 正文', description: '另附的 HTML 正文；合并的值会经过 HTML 转义。' },
  'wait.for': { title: '时长', description: '等待多久，ISO 8601 时长：PT30M、PT4H、P3D、P1W（最多一年）。' },
  'notify.to': { description: '谁收到通知。' },
  'notify.role': { description: '角色的 API 名称：该角色的所有启用用户。' },
  'notify.group': { description: '组的 API 名称：该组的所有启用成员。' },
  'notify.owner': { description: '触发记录的所有者。' },
  'notify.ownerManager': { title: '所有者的上级', description: '所有者角色的直接上级角色中的启用用户。' },
  'notify.title': { description: '一行文字，可使用合并字段：{{name}} 已成交。' },
  'notify.body': { description: '更多文字，可使用合并字段。' },
  'updateRelated.parent.parent': { title: '查找字段', description: '触发记录上的查找或主从字段。' },
  'updateRelated.parent.values': { description: '要在父记录上设置的字段：基于触发记录的 json-logic。' },
  'updateRelated.children.children': {
    title: '相关列表',
    description: '相关列表：一个对象，及其指向触发记录所属对象的查找字段。',
  },
  'updateRelated.children.object': { description: '相关对象的 API 名称。' },
  'updateRelated.children.lookup': { title: '查找字段', description: '其指向此处的查找或主从字段。' },
  'updateRelated.children.filter': { description: '仅限此筛选条件匹配的相关记录（格式与列表 API 相同）。' },
  'updateRelated.children.values': { description: '要在每条相关记录上设置的字段：基于触发记录的 json-logic。' },
  'startApproval.process': {
    title: '审批流程',
    description: '审批流程的 API 名称；默认为该对象中第一个进入条件成立的启用流程。',
  },
  'startApproval.comment': { title: '备注', description: '提交时的备注，可使用合并字段。' },
  // 触发器
  'record.on': { title: '时机', description: '哪些更改会启动运行；删除指移入回收站。' },
  'record.fields': { title: '仅当这些字段更改时', description: '仅用于更新：只有其中某个字段更改时。' },
  'record.changedTo': {
    title: '仅当更改为（JSON）',
    description: '仅用于更新：只有这些字段都已更改且现在为给定的值时（用于创建：持有该值时）。',
  },
  'record.beforeSave': {
    title: '保存前执行',
    description:
      '在保存之前，直接在这次更改中设置其 updateRecord 动作的值，而不是在提交后的运行中设置：保存的记录、请求的响应及其历史都已包含这些值，且不会再有第二次写入。仅适用于所有动作都是 updateRecord 的创建和更新触发器；不会记录运行。',
  },
  'schedule.schedule': {
    title: '计划（cron）',
    description: '五段式 cron：分 时 日 月 星期，例如 0 9 * * 1-5（工作日 9:00）。',
  },
  'schedule.timezone': { title: '时区', description: '解读计划所用的 IANA 时区（默认 UTC），例如 Asia/Shanghai。' },
  'schedule.filter': { description: '哪些记录：格式与列表 API 相同的筛选条件。' },
  'relative.relativeTo': { title: '日期字段', description: '该对象的一个日期或日期时间字段。' },
  'relative.offset': { title: '偏移', description: 'ISO 8601 时长，负数表示之前：-P3D、PT1H、-PT30M。' },
  'relative.filter': { description: '仅限此筛选条件匹配的记录（格式与列表 API 相同）。' },
  'inbound.user': { description: '写入记录所用的用户：适用其权限和字段访问（集成用户）。' },
  'inbound.upsertOn': {
    title: '此字段匹配时更新',
    description: '一个唯一字段：POST 中的值与某条记录匹配时更新该记录，而不是新建。',
  },
  'inbound.secret': {
    description: 'URL 的密钥；留空时自动生成。持有者可以以 `user` 的身份写入记录：请像密码一样保管。',
  },
  // 审批步骤
  'step.name': { title: '步骤名称', description: '步骤的名称。' },
  'step.label': { title: '显示名称', description: '向用户显示的步骤名称。' },
  'step.approver': { title: '审批人', description: '谁来决定。' },
  'step.role': { description: '角色的 API 名称。' },
  'step.group': { description: '组的 API 名称。' },
  'step.submitterManager': { title: '提交人的上级', description: '提交人角色的直接上级角色中的用户。' },
  'step.owner': { description: '记录的所有者。' },
  'step.mode': {
    title: '决定方式',
    description: 'first：第一位审批人的答复即为决定；unanimous：所有人都须批准（一人拒绝即拒绝）。',
  },
  'step.condition': { title: '条件', description: '基于记录的 json-logic：不成立时跳过该步骤（进入条件）。' },
};

/** 每种触发器、动作和审批步骤的说明（分支的 description），键为分支键。 */
export const AUTOMATION_BRANCH_TEXTS_ZH: Readonly<Record<string, string>> = {
  updateRecord: '修改触发记录。',
  createRecord: '新建一条记录，例如一个跟进任务。',
  webhook: '按 Standard Webhooks 规范签名，将更改 POST 到外部端点；超时、429 和 5xx 时退避重试。',
  email: '通过引擎的邮件通道（TESSERA_SMTP_URL）发送电子邮件；未配置时只记录日志，不发送。',
  wait: '在其后的动作之前等待；等待在重启后依然有效（运行停放在作业队列中）。',
  notify: '在 Tessera 用户的通知铃铛中放一条通知，并链接到该记录。',
  'updateRelated.parent': '修改一条相关记录：这里是触发记录的查找字段所指向的记录。',
  'updateRelated.children': '修改相关记录：这里是某个相关列表中的记录（其查找字段指向触发记录）。',
  startApproval: '以运行用户的身份（须能编辑该记录）提交触发记录进行审批。',
  record: '工作流所属对象的某条记录发生更改。',
  manual: '手动启动。',
  schedule:
    '按 cron 计划的每个时间，为筛选条件匹配的每条记录（没有筛选条件时为所有记录）运行一次。运行以各记录所有者的身份执行。引擎未运行期间错过的时间会补运行一次。',
  relative:
    '在距记录某个日期字段一定偏移的时刻，为每条记录运行一次：如成交日期前三天、开始后一小时。日期更改后时间随之移动；每个日期只触发一次。运行以记录所有者的身份执行。',
  inbound: '由向密钥 URL 发送的 POST 启动。',
  step: '一个审批人步骤。',
};
