import { compileExamples, tsdocExamples } from './tsdocExamples.js';
const ex = tsdocExamples();
const errs = compileExamples(ex);
for (const [w, m] of errs) console.log(w, '\n   ', m.join('\n    '));
