export { TestkitError } from './testkit-error.js'
