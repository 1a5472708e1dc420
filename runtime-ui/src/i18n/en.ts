/** The UI's own strings in English. Metadata (objects, fields, picklist values) brings its own labels. */
export const en = {
  common: {
    save: 'Save', cancel: 'Cancel', delete: 'Delete', edit: 'Edit', new: 'New', close: 'Close', yes: 'Yes', no: 'No',
    loading: 'Loading…', notFound: 'Nothing here', home: 'Home', error: 'Something went wrong', reload: 'Reload', retry: 'Retry',
  },
  login: {
    email: 'E-mail', password: 'Password', submit: 'Sign in', failed: 'E-mail or password is wrong.',
    emailRequired: 'Enter your e-mail address', passwordRequired: 'Enter your password',
  },
  shell: {
    language: 'Language', logout: 'Sign out', userMenu: 'User menu', openMenu: 'Open navigation',
    skipToContent: 'Skip to content', noObjects: 'You have no access to any object yet.',
  },
  nav: { main: 'Main navigation', objects: 'Objects', dashboards: 'Dashboards' },
  search: {
    open: 'Search (Ctrl+K)', button: 'Search… Ctrl K', title: 'Search', placeholder: 'Search every record',
    results: 'Results', recent: 'Recent items', none: 'No record matches', noRecent: 'Records you open show here',
  },
  list: {
    view: 'List view', count: '{{n}} records', count_one: '{{n}} record', empty: 'No records', export: 'Export CSV', editCell: 'Edit value',
  },
  filter: {
    title: 'Filter', combine: 'Match', and: 'All (and)', or: 'Any (or)', addCondition: 'Condition', addGroup: 'Group',
    removeGroup: 'Remove group', removeCondition: 'Remove condition', field: 'Field', operator: 'Operator',
    isEmpty: 'is empty', isNotEmpty: 'is not empty', from: 'from', to: 'to', typeValues: 'Type a value, Enter',
    period: 'period', pickDate: 'Pick a date',
  },
  operator: {
    eq: 'equals', ne: 'not equal', gt: 'greater than', gte: 'at least', lt: 'less than', lte: 'at most',
    in: 'any of', nin: 'none of', contains: 'contains', startsWith: 'starts with', isNull: 'emptiness', between: 'between',
  },
  dateLiteral: {
    today: 'Today', yesterday: 'Yesterday', this_week: 'This week', last_week: 'Last week', this_month: 'This month',
    last_month: 'Last month', this_quarter: 'This quarter', last_quarter: 'Last quarter', this_year: 'This year',
    last_year: 'Last year', last_n_days_30: 'Last 30 days', next_n_days_30: 'Next 30 days', all: 'All time',
  },
  views: {
    shared: 'Shared views', mine: 'My views', save: 'Save view', saveTitle: 'Save as my view', name: 'Name', delete: 'Delete my view', saved: 'View saved',
    actions: 'View actions', update: 'Save changes to “{{label}}”', updated: 'View updated', rename: 'Rename…', renameTitle: 'Rename view', renamed: 'View renamed',
    confirmDelete: 'Delete the view “{{label}}”?', deleted: 'View deleted', dropped: '{{count}} parts no longer apply', dropped_one: '1 part no longer applies',
  },
  columns: { title: 'Columns', reset: 'Back to the view’s columns', drag: 'Drag {{name}}' },
  bulk: {
    selected: '{{count}} selected', update: 'Update field', delete: 'Delete', updateTitle: 'Update {{count}} records',
    field: 'Field', newValue: 'New value', apply: 'Apply', confirmDelete: 'Delete {{count}} records?',
    updated: 'Updated', deleted: 'Deleted', transferred: 'Transferred',
    changeOwner: 'Change owner', changeOwnerTitle: 'Change the owner of {{count}} records', newOwner: 'New owner', done: '{{verb}} {{count}} records',
    partialTitle: '{{verb}} {{ok}} records; {{failed}} not changed', partialNote: 'Records you may not change, or that someone changed meanwhile, are skipped and listed; the others are saved.',
    deleteNote: 'They go to the recycle bin. Records you may not delete are skipped and listed; the others are deleted.',
    working: 'Working…', progress: '{{done}} of {{total}} records', record: 'Record', reason: 'Why not',
  },
  import: {
    button: 'Import', title: 'Import {{object}} from CSV', drop: 'Click or drop a CSV file (UTF-8) here',
    column: 'Column in the file', field: 'Field', fieldFor: 'Field for column {{column}}', skip: '— do not import —',
    allOrNone: 'All or nothing (one bad row stops the import)', skipBadRows: 'Import good rows, report bad ones',
    start: 'Import', errorReport: 'Download error report',
    counts: '{{processed}} of {{total}} rows · {{created}} created · {{updated}} updated · {{failed}} failed',
    status: { queued: 'Waiting', running: 'Importing', completed: 'Finished', failed: 'Failed' },
  },
  lookup: { placeholder: 'Type to search', none: 'No match' },
  record: {
    saved: 'Saved', stale: 'Someone changed this record meanwhile. Reload it and try again.', untitled: '(no name)',
    deleted: 'Deleted', confirmDelete: 'Delete this record? It goes to the recycle bin.', details: 'Details',
    related: 'Related', activity: 'Activity', history: 'History', noHistory: 'No changes recorded yet',
    historyField: 'Field', historyOld: 'Old value', historyNew: 'New value', historyWhen: 'When', historyWho: 'By',
    event: { created: 'Created', updated: 'Updated', deleted: 'Deleted', restored: 'Restored', purged: 'Purged' },
    stageChanged: 'Stage changed', markStage: 'Mark as current stage', createdAt: 'Created', updatedAt: 'Last modified',
  },
  activity: {
    call: 'Log a call', task: 'New task', note: 'Add a note', subject: 'Subject', description: 'Details', dueDate: 'Due date',
    log: 'Save', logged: 'Activity saved', none: 'No activity yet',
  },
  form: {
    newTitle: 'New {{object}}', editTitle: 'Edit {{name}}', unsaved: 'You have unsaved changes. Leave anyway?',
    leave: 'Leave', stay: 'Stay', fixErrors: 'Please correct the highlighted fields.', required: 'is required',
    currency: 'Currency', street: 'Street', city: 'City', state: 'State / province', postalCode: 'Postal code', country: 'Country',
    invalidJson: 'Not valid JSON', bold: 'Bold', italic: 'Italic', bulletList: 'Bulleted list', link: 'Link', linkPrompt: 'Link address (https://…)',
    tooLong: 'is longer than {{max}} characters', notNumber: 'must be a number', notInteger: 'must be a whole number',
    min: 'must be at least {{min}}', max: 'must be at most {{max}}', email: 'is not an e-mail address', format: 'has the wrong format',
  },
  kanban: {
    title: 'Kanban', groupBy: 'Group by', moved: 'Moved to {{stage}}', total: 'Total', empty: 'None', none: 'No value', dragHint: 'Drag cards between columns', loadMore: 'Load more', shown: '{{shown}} of {{total}} shown',
  },
  dashboard: { period: 'Period', noData: 'No data', error: 'This chart could not be loaded', count: 'Count' },
};
export type Messages = typeof en;
