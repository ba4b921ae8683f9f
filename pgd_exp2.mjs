import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
await tf.setBackend(process.argv[2]||'wasm'); await tf.ready();
const N = 40000;
const dims = [2,64,64,64,64,3];
const W = [], B = [];
for (let i=0;i<dims.length-1;i++){ W.push(tf.randomNormal([dims[i],dims[i+1]],0,Math.sqrt(2/dims[i]))); B.push(tf.zeros([dims[i+1]])); }
const x = tf.randomNormal([N,2]); const y = tf.oneHot(tf.randomUniform([N],0,3,'int32'),3);
async function time(name, f){ for(let r=0;r<2;r++){ const t=performance.now(); const o=f(); await o.data(); o.dispose(); if(r==1) console.log(name,(performance.now()-t).toFixed(1),'ms'); } }
const h1 = tf.randomNormal([N,64]);
await time('matMul NN 40kx64x64', ()=>tf.matMul(h1,W[1]));
await time('matMul NT 40kx64x64', ()=>tf.matMul(h1,W[1],false,true));
await time('matMul TN 64x40kx64', ()=>tf.matMul(h1,h1,true,false));
await time('relu', ()=>tf.relu(h1));
await time('step mul', ()=>tf.mul(h1, tf.step(h1)));
await time('greater where', ()=>tf.where(tf.greater(h1,0),h1,tf.zerosLike(h1)));
await time('softmax', ()=>tf.softmax(tf.matMul(h1,W[4])));
// manual backward pgd
function manualGrad(xx){ return tf.tidy(()=>{ const acts=[]; let h=xx; for(let i=0;i<W.length;i++){ const a=tf.add(tf.matMul(h,W[i]),B[i]); if(i<W.length-1){ acts.push(a); h=tf.relu(a);} else h=a; }
 let d = tf.sub(tf.softmax(h), y); for(let i=W.length-1;i>=0;i--){ d = tf.matMul(d,W[i],false,true); if(i>0) d = tf.mul(d, tf.step(acts[i-1])); } return d; }); }
await time('manual grad', ()=>manualGrad(x));
const g = tf.grad(xx => tf.losses.softmaxCrossEntropy(y, (()=>{let h=xx; for(let i=0;i<W.length;i++){ h=tf.add(tf.matMul(h,W[i]),B[i]); if(i<W.length-1) h=tf.relu(h);} return h;})(), undefined, undefined, tf.Reduction.SUM));
await time('autodiff grad', ()=>g(x));
const prof = await tf.profile(()=>g(x));
const agg={}; for(const k of prof.kernels){ agg[k.name]=(agg[k.name]||0)+(k.kernelTimeMs||0);} console.log(agg);
const WT = W.map(w=>tf.transpose(w));
await time('transpose 40kx64', ()=>tf.transpose(h1));
await time('T then NN', ()=>tf.matMul(tf.transpose(h1),h1));
function manualGrad2(xx){ return tf.tidy(()=>{ const acts=[]; let h=xx; for(let i=0;i<W.length;i++){ const a=tf.add(tf.matMul(h,W[i]),B[i]); if(i<W.length-1){ acts.push(a); h=tf.relu(a);} else h=a; }
 let d = tf.sub(tf.softmax(h), y); for(let i=W.length-1;i>=0;i--){ d = tf.matMul(d,WT[i]); if(i>0) d = tf.mul(d, tf.step(acts[i-1])); } return d; }); }
await time('manual grad WT', ()=>manualGrad2(x));
function fusedGrad(xx){ return tf.tidy(()=>{ const acts=[]; let h=xx; for(let i=0;i<W.length;i++){ const a=tf.fused.matMul({a:h,b:W[i],bias:B[i]}); if(i<W.length-1){ acts.push(a); h=tf.relu(a);} else h=a; }
 let d = tf.sub(tf.softmax(h), y); for(let i=W.length-1;i>=0;i--){ d = tf.matMul(d,WT[i]); if(i>0) d = tf.mul(d, tf.step(acts[i-1])); } return d; }); }
await time('fused manual grad WT', ()=>fusedGrad(x));
async function pgd(gf){ const t0=performance.now(); let xa=x.clone(); for(let s=0;s<10;s++){ const nx=tf.tidy(()=>{const gr=gf(xa); return tf.clipByValue(tf.add(xa,tf.mul(0.025,tf.sign(gr))).sub(x),-0.1,0.1).add(x);}); xa.dispose(); xa=nx;} const p=tf.tidy(()=>fusedGrad(xa).argMax(1)); await p.data(); p.dispose(); xa.dispose(); return performance.now()-t0; }
await pgd(fusedGrad); console.log('PGD10 40k manual fused', (await pgd(fusedGrad)).toFixed(0));
