// Browser pieces GLTFExporter needs, for Node: FileReader, ImageData, OffscreenCanvas (PNG by pngjs)
import { PNG } from 'pngjs';
globalThis.FileReader = class {
  readAsArrayBuffer(blob) { blob.arrayBuffer().then(b => { this.result = b; this.onloadend && this.onloadend(); }); }
  readAsDataURL(blob) { blob.arrayBuffer().then(b => { this.result = 'data:' + (blob.type || 'application/octet-stream') + ';base64,' + Buffer.from(b).toString('base64'); this.onloadend && this.onloadend(); }); }
};
globalThis.ImageData = class { constructor(data, w, h) { this.data = data; this.width = w; this.height = h; } };
class Ctx {
  constructor(c) { this.c = c; this.flip = false; this.fillStyle = '#000000'; }
  translate() {}
  scale(sx, sy) { if (sy < 0) this.flip = !this.flip; }
  fillRect() { const h = this.fillStyle.replace('#', ''); const rgb = [0, 2, 4].map(i => parseInt(h.slice(i, i + 2), 16));
    for (let i = 0; i < this.c.data.length; i += 4) { this.c.data[i] = rgb[0]; this.c.data[i + 1] = rgb[1]; this.c.data[i + 2] = rgb[2]; this.c.data[i + 3] = 255; } }
  getImageData(x, y, w, h) { return new ImageData(new Uint8ClampedArray(this.c.data), w, h); }
  putImageData(img) { this.c.data.set(img.data); }  // a browser's ignores the transform
  drawImage(src, x, y, w, h) { const W = this.c.width, H = this.c.height;
    for (let j = 0; j < H; j++) { const sj = Math.floor((this.flip ? H - 1 - j : j) * src.height / H);
      for (let i = 0; i < W; i++) { const si = Math.floor(i * src.width / W);
        for (let k = 0; k < 4; k++) this.c.data[(j * W + i) * 4 + k] = src.data[(sj * src.width + si) * 4 + k]; } } }
}
globalThis.OffscreenCanvas = class {
  constructor(w, h) { this._w = w; this._h = h; this.data = new Uint8ClampedArray(w * h * 4); }
  get width() { return this._w; } set width(v) { this._w = v; this.data = new Uint8ClampedArray(this._w * this._h * 4); }
  get height() { return this._h; } set height(v) { this._h = v; this.data = new Uint8ClampedArray(this._w * this._h * 4); }
  getContext() { return new Ctx(this); }
  async convertToBlob({ type }) { const png = new PNG({ width: this._w, height: this._h }); png.data = Buffer.from(this.data);
    return new Blob([PNG.sync.write(png)], { type: 'image/png' }); }
};
export function canvas(w, h, f) { // an image drawn by f(i, j) -> [r, g, b, a]
  const c = new OffscreenCanvas(w, h);
  for (let j = 0; j < h; j++) for (let i = 0; i < w; i++) c.data.set(f(i, j), (j * w + i) * 4);
  return c;
}
