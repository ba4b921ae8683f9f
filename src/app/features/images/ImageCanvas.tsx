/** Draws one image (NHWC pixels in [0, 1] or bytes 0–255; 1 or 3 channels) on a canvas, scaled up without smoothing. */
import { useEffect, useRef } from 'react';

export function ImageCanvas({ pixels, shape, size = 56, title, testId }: { pixels: ArrayLike<number>; shape: readonly number[]; size?: number; title?: string; testId?: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const [h, w, c] = shape;
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const img = ctx.createImageData(w, h);
    const bytes = pixels instanceof Uint8Array;
    for (let i = 0; i < h * w; i++) {
      for (let k = 0; k < 3; k++) {
        const v = pixels[i * c + (c === 1 ? 0 : k)];
        img.data[4 * i + k] = bytes ? v : Math.round(Math.min(1, Math.max(0, v)) * 255);
      }
      img.data[4 * i + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }, [pixels, h, w, c]);
  return <canvas ref={ref} width={w} height={h} style={{ width: size, height: size, imageRendering: 'pixelated' }} title={title} data-testid={testId} />;
}
