import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
await tf.setBackend('wasm'); await tf.ready();
for (const name of ['BatchMatMul','_FusedMatMul']) {
  const orig = tf.getKernel(name,'wasm');
  tf.registerKernel({ kernelName: name, backendName: 'wasm', setupFunc: orig.setupFunc, disposeFunc: orig.disposeFunc, kernelFunc: (args) => {
    const { inputs, attrs, backend } = args;
    if (!attrs.transposeA && !attrs.transposeB) return orig.kernelFunc(args);
    const tr = tf.getKernel('Transpose','wasm').kernelFunc;
    const tmp=[]; const ni={...inputs};
    const perm = r => [...Array(r).keys()].map((i)=> i<r-2? i : (i===r-2? r-1 : r-2));
    if (attrs.transposeA){ ni.a = tr({inputs:{x:inputs.a},attrs:{perm:perm(inputs.a.shape.length)},backend}); tmp.push(ni.a);} 
    if (attrs.transposeB){ ni.b = tr({inputs:{x:inputs.b},attrs:{perm:perm(inputs.b.shape.length)},backend}); tmp.push(ni.b);} 
    const out = orig.kernelFunc({inputs:ni, attrs:{...attrs, transposeA:false, transposeB:false}, backend});
    for (const t of tmp) backend.disposeData(t.dataId);
    return out;
  }});
}
const N=40000;
const model = tf.sequential({layers:[tf.layers.dense({inputShape:[2],units:64,activation:'relu'}),tf.layers.dense({units:64,activation:'relu'}),tf.layers.dense({units:64,activation:'relu'}),tf.layers.dense({units:64,activation:'relu'}),tf.layers.dense({units:3})]});
const x = tf.randomNormal([N,2]); const y = tf.oneHot(tf.randomUniform([N],0,3,'int32'),3);
const g = tf.grad(xx => tf.losses.softmaxCrossEntropy(y, model.apply(xx), undefined, undefined, tf.Reduction.SUM));
async function pgd(){ const t0=performance.now(); let xa=x.clone(); for(let s=0;s<10;s++){ const nx=tf.tidy(()=>{const gr=g(xa); return tf.clipByValue(tf.add(xa,tf.mul(0.025,tf.sign(gr))).sub(x),-0.1,0.1).add(x);}); xa.dispose(); xa=nx;} const p=tf.tidy(()=>model.apply(xa).argMax(1)); await p.data(); p.dispose(); xa.dispose(); return performance.now()-t0; }
const n0=tf.memory().numTensors;
await pgd(); console.log('PGD10 40k layers model autodiff patched', (await pgd()).toFixed(0), 'tensors', tf.memory().numTensors-n0);
// check correctness vs cpu
const a=tf.randomNormal([3,5,7]), b=tf.randomNormal([3,4,7]);
const r1 = await tf.matMul(a,b,false,true).data(); const r2 = await tf.matMul(a, tf.transpose(b,[0,2,1])).data();
console.log('maxdiff', Math.max(...r1.map((v,i)=>Math.abs(v-r2[i]))));
// training step speed: 1000 pts batch 10
const opt = tf.train.sgd(0.1);
const xs=tf.randomNormal([10,2]), ys=tf.oneHot(tf.randomUniform([10],0,3,'int32'),3);
let t0=performance.now(); for(let i=0;i<100;i++){ opt.minimize(()=>tf.losses.softmaxCrossEntropy(ys, model.apply(xs))); } console.log('100 sgd steps b10', (performance.now()-t0).toFixed(0));
const gs = tf.grad(xx => tf.losses.softmaxCrossEntropy(ys, model.apply(xx), undefined, undefined, tf.Reduction.SUM));
t0=performance.now(); for(let i=0;i<1000;i++){ tf.tidy(()=>gs(xs)); } console.log('1000 input grads b10', (performance.now()-t0).toFixed(0));
