// The fixtures of this folder, written by three.js' GLTFExporter (see README.md):
//   node export.mjs OUTDIR
import { canvas } from './polyfill.mjs';
import * as THREE from 'three';
import { GLTFExporter } from 'three/examples/jsm/exporters/GLTFExporter.js';
import fs from 'fs';
const out = process.argv[2];
function tex(c, srgb) { const t = new THREE.CanvasTexture(c); if (srgb) t.colorSpace = THREE.SRGBColorSpace; t.wrapS = t.wrapT = THREE.RepeatWrapping; return t; }
const checker = canvas(64, 64, (i, j) => ((i >> 3) + (j >> 3)) & 1 ? [230, 40, 30, 255] : [240, 240, 240, 255]);
const arrow = canvas(64, 64, (i, j) => (j < 16 ? [20, 60, 220, 255] : [250, 210, 40, 255]));  // blue band at the image's top
const rough = canvas(32, 32, (i, j) => i < 16 ? [40, 40, 40, 255] : [230, 230, 230, 255]);
const metal = canvas(32, 32, (i, j) => j < 16 ? [255, 255, 255, 255] : [0, 0, 0, 255]);
const bumps = canvas(64, 64, (i, j) => { const x = Math.sin(i / 3) * 0.5; return [Math.round((x * 0.5 + 0.5) * 255), 128, Math.round(Math.sqrt(1 - x * x * 0.25) * 255), 255]; });
const scenes = {};

{ // textured: base colour, merged metal/rough, normal map, emissive strength, texture transform, occlusion on UV 1
  const s = new THREE.Scene();
  const g = new THREE.BoxGeometry(1, 1, 1);
  g.setAttribute('uv1', g.getAttribute('uv').clone());
  const m = new THREE.MeshStandardMaterial({ map: tex(checker, true), roughnessMap: tex(rough), metalnessMap: tex(metal), roughness: 1, metalness: 1,
    normalMap: tex(bumps), normalScale: new THREE.Vector2(1, -1), aoMap: tex(rough), aoMapIntensity: 0.5 });
  m.aoMap.channel = 1;
  const box = new THREE.Mesh(g, m); box.name = 'Box'; box.position.x = -0.8; s.add(box);
  const t = tex(arrow, true); t.offset.set(0.25, 0); t.repeat.set(2, 2); t.rotation = 0.3;
  const m2 = new THREE.MeshStandardMaterial({ map: t, emissive: new THREE.Color(1, 0.4, 0.1), emissiveIntensity: 3, emissiveMap: tex(rough) , roughness: 0.6});
  const b2 = new THREE.Mesh(new THREE.BoxGeometry(1, 1, 1), m2); b2.name = 'Transformed'; b2.position.x = 0.8; s.add(b2);
  const m3 = new THREE.MeshStandardMaterial({ color: 0xdddddd, roughnessMap: tex(rough), roughness: 1, metalness: 0, aoMap: tex(metal) });
  const b3 = new THREE.Mesh(new THREE.BoxGeometry(1, 1, 1), m3); b3.name = 'Occluded'; b3.position.set(0, 0, -1.2); s.add(b3);
  scenes.textured = s;
}
{ // physical: clearcoat, sheen, glass with volume, iridescence, anisotropy, specular, unlit, blend, mask, double sided
  const s = new THREE.Scene();
  const sphere = new THREE.SphereGeometry(0.4, 48, 24);
  const mats = [
    ['clearcoat', new THREE.MeshPhysicalMaterial({ color: 0x8a0c0c, roughness: 0.6, clearcoat: 1, clearcoatRoughness: 0.05 })],
    ['sheen', new THREE.MeshPhysicalMaterial({ color: 0x222266, roughness: 0.9, sheen: 1, sheenColor: new THREE.Color(1, 0.6, 0.8), sheenRoughness: 0.4 })],
    ['glass', new THREE.MeshPhysicalMaterial({ color: 0xffffff, roughness: 0.05, transmission: 1, thickness: 0.6, ior: 1.5, attenuationColor: new THREE.Color(0.2, 0.6, 1.0), attenuationDistance: 0.5 })],
    ['iridescence', new THREE.MeshPhysicalMaterial({ color: 0x111111, metalness: 1, roughness: 0.25, iridescence: 1, iridescenceIOR: 1.3, iridescenceThicknessMinimum: 100, iridescenceThicknessMaximum: 400 })],
    ['anisotropy', new THREE.MeshPhysicalMaterial({ color: 0xcccccc, metalness: 1, roughness: 0.4, anisotropy: 0.8, anisotropyRotation: 0.5 })],
    ['specular', new THREE.MeshPhysicalMaterial({ color: 0x205020, roughness: 0.3, specularIntensity: 0.2, specularColor: new THREE.Color(1, 0.5, 0.5), ior: 1.8 })],
    ['unlit', new THREE.MeshBasicMaterial({ color: 0x33aa55 })],
    ['blend', new THREE.MeshStandardMaterial({ color: 0x2255ff, transparent: true, opacity: 0.4 })],
    ['mask', new THREE.MeshStandardMaterial({ color: 0xffaa00, alphaMap: tex(metal), alphaTest: 0.5, side: THREE.DoubleSide })],
  ];
  mats.forEach(([name, m], k) => { const mesh = new THREE.Mesh(sphere, m); mesh.name = name; m.name = name;
    mesh.position.set((k % 3 - 1) * 1.0, (1 - Math.floor(k / 3)) * 1.0, 0); s.add(mesh); });
  scenes.physical = s;
}
{ // instancing with colours per instance
  const s = new THREE.Scene();
  const im = new THREE.InstancedMesh(new THREE.BoxGeometry(0.3, 0.3, 0.3), new THREE.MeshStandardMaterial({ color: 0xffffff, roughness: 0.5 }), 25);
  const mat = new THREE.Matrix4(); const q = new THREE.Quaternion();
  for (let k = 0; k < 25; k++) { q.setFromAxisAngle(new THREE.Vector3(0, 1, 0), k * 0.2);
    mat.compose(new THREE.Vector3((k % 5 - 2) * 0.5, Math.floor(k / 5) * 0.5 - 1, 0), q, new THREE.Vector3(1, 1 + (k % 3) * 0.3, 1));
    im.setMatrixAt(k, mat); im.setColorAt(k, new THREE.Color().setHSL(k / 25, 0.8, 0.5)); }
  im.name = 'Cubes'; s.add(im);
  scenes.instancing = s;
}
{ // geometry: non-indexed, negative scale, groups with two materials, vertex colours, a morph target at 0.5
  const s = new THREE.Scene();
  const flat = new THREE.TorusKnotGeometry(0.35, 0.12, 96, 12).toNonIndexed(); flat.computeVertexNormals();
  const k = new THREE.Mesh(flat, new THREE.MeshStandardMaterial({ color: 0x3377aa, roughness: 0.35, flatShading: true })); k.name = 'NonIndexed'; k.position.set(-0.9, 0.5, 0); s.add(k);
  const mirrored = new THREE.Mesh(new THREE.ConeGeometry(0.3, 0.7, 24), new THREE.MeshStandardMaterial({ color: 0xaa7733, roughness: 0.5 })); mirrored.name = 'Mirrored';
  mirrored.scale.set(-1, 1, 1); mirrored.position.set(0, 0.5, 0); mirrored.rotation.z = 0.5; s.add(mirrored);
  const grouped = new THREE.BoxGeometry(0.6, 0.6, 0.6); // six groups, one per face: two materials
  grouped.groups.forEach((g, i) => { g.materialIndex = i % 2; });
  const gm = new THREE.Mesh(grouped, [new THREE.MeshStandardMaterial({ color: 0xdd2222, name: 'red' }), new THREE.MeshStandardMaterial({ color: 0x22dd22, name: 'green' })]);
  gm.name = 'Grouped'; gm.position.set(0.9, 0.5, 0); s.add(gm);
  const vc = new THREE.PlaneGeometry(0.8, 0.8, 4, 4); const n = vc.getAttribute('position').count; const cols = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) { const x = vc.getAttribute('position').getX(i) + 0.5; cols.set([x, 1 - x, 0.3], i * 3); }
  vc.setAttribute('color', new THREE.BufferAttribute(cols, 3));
  const vm = new THREE.Mesh(vc, new THREE.MeshStandardMaterial({ vertexColors: true, side: THREE.DoubleSide })); vm.name = 'VertexColours'; vm.position.set(-0.9, -0.5, 0); s.add(vm);
  const mg = new THREE.BoxGeometry(0.5, 0.5, 0.5, 2, 2, 2); const p = mg.getAttribute('position'); const d = new Float32Array(p.count * 3);
  for (let i = 0; i < p.count; i++) if (p.getY(i) > 0.2) d[i * 3 + 1] = 0.6;
  mg.morphAttributes.position = [new THREE.BufferAttribute(d, 3)];
  const mm = new THREE.Mesh(mg, new THREE.MeshStandardMaterial({ color: 0x8888ee })); mm.morphTargetInfluences = [0.5]; mm.name = 'Morphed'; mm.position.set(0.9, -0.7, 0); s.add(mm);
  scenes.geometry = s;
}
const exporter = new GLTFExporter();
for (const [name, s] of Object.entries(scenes)) {
  const glb = await exporter.parseAsync(s, { binary: true });
  fs.writeFileSync(`${out}/${name}.glb`, Buffer.from(glb));
  console.log('wrote', name);
}
