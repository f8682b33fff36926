// What the viewer loads the first time a row has colours or a filter match: the parser and the
// styles of the classes it gives, in one file.
export { markMatches, parseAnsi } from './ansi.js';
export { ansiStyles } from './ansi.styles.js';
