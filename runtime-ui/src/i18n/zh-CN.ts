import type { Messages } from './en';

/** 界面自身的简体中文文案。对象、字段、选项的名称来自元数据。 */
export const zhCN: Messages = {
  common: {
    save: '保存', cancel: '取消', delete: '删除', edit: '编辑', new: '新建', close: '关闭', yes: '是', no: '否',
    loading: '加载中…', notFound: '页面不存在', home: '首页', error: '出错了', reload: '重新加载', retry: '重试',
  },
  login: {
    email: '电子邮箱', password: '密码', submit: '登录', failed: '邮箱或密码错误。',
    emailRequired: '请输入邮箱地址', passwordRequired: '请输入密码',
  },
  shell: {
    language: '语言', logout: '退出登录', userMenu: '用户菜单', openMenu: '打开导航',
    skipToContent: '跳到正文', noObjects: '您还没有任何对象的访问权限。',
  },
  nav: { main: '主导航', objects: '对象', dashboards: '仪表板' },
  search: {
    open: '搜索 (Ctrl+K)', button: '搜索… Ctrl K', title: '搜索', placeholder: '搜索所有记录',
    results: '搜索结果', recent: '最近访问', none: '没有匹配的记录', noRecent: '您打开过的记录会显示在这里',
  },
  list: {
    view: '列表视图', count: '{{n}} 条记录', count_one: '{{n}} 条记录', empty: '没有记录', export: '导出 CSV', editCell: '编辑此值',
  },
  filter: {
    title: '筛选', combine: '匹配', and: '全部 (且)', or: '任一 (或)', addCondition: '条件', addGroup: '条件组',
    removeGroup: '删除条件组', removeCondition: '删除条件', field: '字段', operator: '运算符',
    isEmpty: '为空', isNotEmpty: '不为空', from: '从', to: '到', typeValues: '输入值后回车',
    period: '时间段', pickDate: '选择日期',
  },
  operator: {
    eq: '等于', ne: '不等于', gt: '大于', gte: '不小于', lt: '小于', lte: '不大于',
    in: '属于', nin: '不属于', contains: '包含', startsWith: '开头是', isNull: '是否为空', between: '介于',
  },
  dateLiteral: {
    today: '今天', yesterday: '昨天', this_week: '本周', last_week: '上周', this_month: '本月',
    last_month: '上月', this_quarter: '本季度', last_quarter: '上季度', this_year: '今年',
    last_year: '去年', last_n_days_30: '最近 30 天', next_n_days_30: '未来 30 天', all: '全部时间',
  },
  views: {
    shared: '共享视图', mine: '我的视图', save: '保存视图', saveTitle: '另存为我的视图', name: '名称', delete: '删除我的视图', saved: '视图已保存',
    actions: '视图操作', update: '将更改保存到“{{label}}”', updated: '视图已更新', rename: '重命名…', renameTitle: '重命名视图', renamed: '视图已重命名',
    confirmDelete: '删除视图“{{label}}”？', deleted: '视图已删除', dropped: '{{count}} 项已不再适用', dropped_one: '{{count}} 项已不再适用',
  },
  columns: { title: '列', reset: '恢复视图的列', drag: '拖动 {{name}}' },
  bulk: {
    selected: '已选 {{count}} 条', update: '批量更新', delete: '删除', updateTitle: '更新 {{count}} 条记录',
    field: '字段', newValue: '新值', apply: '应用', confirmDelete: '删除 {{count}} 条记录？',
    updated: '已更新', deleted: '已删除', transferred: '已转移',
    changeOwner: '更改所有人', changeOwnerTitle: '更改 {{count}} 条记录的所有人', newOwner: '新所有人', done: '{{verb}} {{count}} 条记录',
    partialTitle: '{{verb}} {{ok}} 条记录；{{failed}} 条未更改', partialNote: '无权更改或在此期间已被他人修改的记录会被跳过并列出，其余记录照常保存。',
    deleteNote: '记录会进入回收站。无权删除的记录会被跳过并列出，其余记录照常删除。',
    working: '处理中…', progress: '已处理 {{done}} / {{total}} 条记录', record: '记录', reason: '原因',
  },
  import: {
    button: '导入', title: '从 CSV 导入{{object}}', drop: '点击或拖入 CSV 文件（UTF-8）',
    column: '文件中的列', field: '字段', fieldFor: '列 {{column}} 对应的字段', skip: '— 不导入 —',
    allOrNone: '全部或全不（有一行出错即停止）', skipBadRows: '导入正确的行，报告错误的行',
    start: '导入', errorReport: '下载错误报告',
    counts: '已处理 {{processed}} / {{total}} 行 · 新建 {{created}} · 更新 {{updated}} · 失败 {{failed}}',
    status: { queued: '等待中', running: '导入中', completed: '已完成', failed: '失败' },
  },
  lookup: { placeholder: '输入以搜索', none: '没有匹配项' },
  record: {
    saved: '已保存', stale: '此记录已被他人修改，请重新加载后再试。', untitled: '（无名称）',
    deleted: '已删除', confirmDelete: '删除此记录？它会进入回收站。', details: '详细信息',
    related: '相关', activity: '活动', history: '字段历史', noHistory: '尚无修改记录',
    historyField: '字段', historyOld: '原值', historyNew: '新值', historyWhen: '时间', historyWho: '修改人',
    event: { created: '已创建', updated: '已更新', deleted: '已删除', restored: '已恢复', purged: '已彻底删除' },
    stageChanged: '阶段已更改', markStage: '设为当前阶段', createdAt: '创建时间', updatedAt: '最后修改',
  },
  activity: {
    call: '记录通话', task: '新建任务', note: '添加备注', subject: '主题', description: '详情', dueDate: '截止日期',
    log: '保存', logged: '活动已保存', none: '暂无活动',
  },
  form: {
    newTitle: '新建{{object}}', editTitle: '编辑 {{name}}', unsaved: '有未保存的修改，确定离开吗？',
    leave: '离开', stay: '留下', fixErrors: '请修正标出的字段。', required: '为必填项',
    currency: '币种', street: '街道', city: '城市', state: '省/州', postalCode: '邮政编码', country: '国家/地区',
    invalidJson: '不是有效的 JSON', bold: '粗体', italic: '斜体', bulletList: '项目符号列表', link: '链接', linkPrompt: '链接地址（https://…）',
    tooLong: '超过 {{max}} 个字符', notNumber: '必须是数字', notInteger: '必须是整数',
    min: '不能小于 {{min}}', max: '不能大于 {{max}}', email: '不是有效的邮箱地址', format: '格式不正确',
  },
  kanban: {
    title: '看板', groupBy: '分组依据', moved: '已移至 {{stage}}', total: '合计', empty: '无', none: '无值', dragHint: '在列之间拖动卡片', loadMore: '加载更多', shown: '已显示 {{shown}} / {{total}}',
  },
  dashboard: { period: '时间段', noData: '暂无数据', error: '此图表无法加载', count: '数量' },
};
