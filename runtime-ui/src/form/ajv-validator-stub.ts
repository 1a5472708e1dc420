/**
 * Stands in for @rjsf/validator-ajv8, which @rjsf/core's index imports only for its test helper
 * (getTestRegistry) although it is not one of core's dependencies. The UI validates with
 * form-validator.ts instead (ajv's generated code needs 'unsafe-eval', which the CSP forbids).
 */
const unused = {};
export default unused;
export const customizeValidator = () => unused;
