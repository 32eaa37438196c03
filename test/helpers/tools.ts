/** The pinned verification tools, for tests: a missing tool fails the test (never a skip). */
export { REPO as ROOT, runTool, toolPath as tool } from '../../cli/lib/tools';
