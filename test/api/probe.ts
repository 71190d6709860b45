import { compileExamples, tsdocExamples } from './tsdocExamples.js';
const ex = tsdocExamples();
console.log(ex.length, 'examples');
const errs = compileExamples(ex);
for (const [w, m] of errs) console.log(w, '\n   ', m.join('\n    '));
console.log(errs.size, 'failing');
