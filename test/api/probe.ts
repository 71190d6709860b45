import { compileExamples, tsdocExamples } from './tsdocExamples.js';
const ex = tsdocExamples();
const errs = compileExamples(ex);
for (const e of ex) if (errs.has(e.where)) console.log('=====', e.where, '\n' + e.code);
