// Scores a cache-tests results file the way cache-tests.fyi does (a test whose dependency did not pass
// counts as not passed), and lists what did not pass.
//
// usage: node cache-tests-summary.mjs SUITE_DIR RESULTS_JSON SUMMARY_JSON FAILURES_TSV
// prints: cache-tests: passed N/M (required: a/b, optimal: c/d)
import fs from 'fs'
import path from 'path'
import { pathToFileURL } from 'url'

const [suiteDir, resultsFile, summaryFile, failuresFile] = process.argv.slice(2)
const load = async file => (await import(pathToFileURL(path.resolve(suiteDir, file)).href)).default

const suites = await load('tests/index.mjs')
// The CLI of the npm package adds the Surrogate-Control suite to the index; score what it ran.
if (fs.existsSync(path.join(suiteDir, 'tests/surrogate-control.mjs'))) {
  suites.push(await load('tests/surrogate-control.mjs'))
}
const byId = new Map()
for (const suite of suites) {
  for (const test of suite.tests) byId.set(test.id, test)
}
const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8'))

// Mirrors determineTestResult() in the suite's lib/display.mjs, which needs a browser to import.
function outcome (id) {
  const test = byId.get(id)
  const result = results[id]
  if (result === undefined) return 'untested'
  for (const dependency of test.depends_on || []) {
    if (!['pass', 'yes'].includes(outcome(dependency))) return 'dependency_fail'
  }
  if (Array.isArray(result) && result[0] === 'Setup') return result[1] === 'retry' ? 'retry' : 'setup_fail'
  if (result === false) return 'harness_fail'
  const kind = test.kind || 'required'
  if (kind === 'check') return result === true ? 'yes' : 'no'
  if (result === true) return 'pass'
  return kind === 'optimal' ? 'optional_fail' : 'fail'
}

const score = { required: { passed: 0, total: 0, outcomes: {} }, optimal: { passed: 0, total: 0, outcomes: {} } }
const failures = []
for (const [id, test] of byId) {
  if (!(id in results)) continue // browser-only tests are not run by the CLI
  const kind = test.kind || 'required'
  if (kind === 'check') continue
  const o = outcome(id)
  const s = score[kind]
  s.total++
  s.outcomes[o] = (s.outcomes[o] || 0) + 1
  if (o === 'pass') {
    s.passed++
  } else {
    const detail = Array.isArray(results[id]) ? results[id].join(': ') : String(results[id])
    failures.push([kind, o, id, detail.replace(/\s+/g, ' ')])
  }
}
const passed = score.required.passed + score.optimal.passed
const total = score.required.total + score.optimal.total
const line = `cache-tests: passed ${passed}/${total} (required: ${score.required.passed}/${score.required.total}, ` +
  `optimal: ${score.optimal.passed}/${score.optimal.total})`
fs.writeFileSync(summaryFile, JSON.stringify({ passed, total, ...score }, null, 2) + '\n')
fs.writeFileSync(failuresFile, failures.map(f => f.join('\t')).join('\n') + (failures.length ? '\n' : ''))
console.log(line)
