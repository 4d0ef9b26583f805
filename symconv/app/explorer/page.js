// symconv explore: the page's own copy of the index relation (no framework, no network).
// Per spatial axis an output m, a kernel tap k and an image slot r are related by
//     r = s*m + sigma*d*k + c        (u*i = r: with input stride u, pixel i sits at slot u*i)
// as symconv.index.request builds it (_axis, _transposed_axis) and symconv.index.relation
// enumerates it (AffineAxis.table, map_boundary, the tap order).  The code panel's snippets
// follow symconv.app.port (plan, _same_plan and the seven printers) line for line; the
// browser tests compare the page's terms with symconv's JSON for every output, and its code
// with symconv port, for every setting they make.
(function () {
  'use strict';
  const cfg = JSON.parse(document.getElementById('symconv-config').textContent);
  const OPS = {
    conv: { sigma: -1, reflect: false, t: false },
    corr: { sigma: 1, reflect: false, t: false },
    'corr-reflected': { sigma: 1, reflect: true, t: false },
    'conv-transpose': { sigma: -1, reflect: false, t: true },
  };
  const MODES = ['full', 'same', 'valid'];
  const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
  const NP_PAD = { zeros: 'constant', circular: 'wrap', reflect: 'reflect',
    replicate: 'edge', symmetric: 'symmetric' };
  const TORCH_PAD = { zeros: 'constant', circular: 'circular', reflect: 'reflect',
    replicate: 'replicate' };
  const EINSUM = 'mnpqrstuvwxyzijklabdefh';
  const fdiv = (a, b) => Math.floor(a / b);
  const mod = (a, b) => ((a % b) + b) % b;
  const $ = (sel) => document.querySelector(sel);
  const el = (tag, attrs, text) => {
    const e = document.createElement(tag);
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const MATHNS = 'http://www.w3.org/1998/Math/MathML';
  const mel = (tag, text) => {
    const e = document.createElementNS(MATHNS, tag);
    if (text !== undefined) e.textContent = text;
    return e;
  };

  // ---- the request, as symconv.index.request.operation resolves it -----------------------
  const dims = cfg.image.length;
  const state = {
    op: cfg.op, kernel: cfg.kernel.slice(), padding: cfg.padding_choice,
    paddingMode: cfg.padding_mode, stride: cfg.stride.slice(), dilation: cfg.dilation.slice(),
    outputPadding: cfg.output_padding.slice(), at: 0,
  };

  function origin(n) {  // the index of position 0 on an axis of size n
    if (cfg.origin === 'center') return -fdiv(n, 2);
    if (cfg.origin === 'corner') return 0;
    return null;  // explicit offsets: per axis, from cfg.origin_offsets
  }
  function lows(shape) {
    return shape.map((n, a) => (origin(n) === null ? -cfg.origin_offsets[a] : origin(n)));
  }
  function padPairs(st) {
    if (MODES.includes(st.padding)) return null;
    if (st.padding === 'custom') return cfg.padding_pairs;
    const p = parseInt(st.padding, 10);
    return cfg.image.map(() => [p, p]);
  }

  function mapBoundary(i, lo, n, rule) {  // [mapped, valid]
    const p = i - lo;
    const inside = p >= 0 && p < n;
    if (rule === 'zeros') return [i, inside];
    let q;
    if (rule === 'circular') q = mod(p, n);
    else if (rule === 'replicate') q = Math.min(Math.max(p, 0), n - 1);
    else if (rule === 'reflect') {
      if (n === 1) q = 0;
      else { const per = 2 * n - 2; q = mod(p, per); if (q >= n) q = per - q; }
    } else { const per = 2 * n; q = mod(p, per); if (q >= n) q = per - 1 - q; }
    return [q + lo, true];
  }

  function forwardAxis(spec, iLo, n, kLo, K, s, d, pad, mode, convention, center, rule) {
    const ends = [spec.sigma * d * kLo, spec.sigma * d * (kLo + K - 1)];
    const fLo = Math.min(...ends), fHi = Math.max(...ends);
    const ke = fHi - fLo + 1;
    let mLo, count, c;
    if (pad === null) {
      const fullLo = iLo - fHi;
      let wLo, length;
      if (mode === 'full') { wLo = fullLo; length = n + ke - 1; }
      else if (mode === 'valid') {
        wLo = fullLo + Math.min(n, ke) - 1; length = Math.abs(n - ke) + 1;
      } else if (convention === 'matlab') { wLo = fullLo + fdiv(ke, 2); length = n;
      } else if (convention === 'numpy') {
        length = Math.max(n, ke);
        let start;
        if (spec.sigma < 0) start = fdiv(Math.min(n, ke) - 1, 2);
        else start = n >= ke ? fdiv(ke - 1, 2) : fdiv(n, 2);
        wLo = fullLo + start;
      } else { wLo = fullLo + fdiv(ke - 1, 2); length = n; }
      const wHi = wLo + length - 1;
      mLo = -fdiv(-wLo, s);
      const mHi = fdiv(wHi, s);
      if (mHi < mLo) throw new Error(`stride ${s} leaves no output on an axis of size ${n}`);
      count = mHi - mLo + 1; c = 0;
    } else {
      const [pl, pr] = pad;
      const npad = n + pl + pr;
      if (npad < ke) {
        throw new Error(`kernel (dilated size ${ke}) is larger than the padded image ` +
          `(${n}+${pl}+${pr} = ${npad}): no output`);
      }
      count = fdiv(npad - ke, s) + 1;
      const outOrigin = center ? fdiv(count, 2) : 0;
      mLo = -outOrigin; c = iLo - pl - fLo + s * outOrigin;
    }
    const ax = { stride: s, sigma: spec.sigma, d, c, outLo: mLo, count, iLo, n, kLo, K,
      rule, u: 1 };
    if (spec.reflect) { ax.stride = -s; ax.outLo = -(mLo + count - 1); }
    return ax;
  }

  function transposedAxis(iLo, n, kLo, K, s, d, pad, outPad, center) {
    const [pl, pr] = pad;
    const count = (n - 1) * s - pl - pr + d * (K - 1) + outPad + 1;
    if (count < 1) {
      throw new Error(`padding ${pl}+${pr} leaves no output of the transposed convolution ` +
        `on an axis (input ${n}, stride ${s}, kernel ${K}, dilation ${d})`);
    }
    const mLo = center ? -fdiv(count, 2) : 0;
    return { stride: 1, sigma: -1, d, c: pl - mLo + s * iLo + d * kLo, outLo: mLo, count,
      iLo, n, kLo, K, rule: 'zeros', u: s };
  }

  // The relation of a request {op, kernel, mode, pad, rule, stride, dil, outPad,
  // convention}, or one line thrown, as symconv.index.request.operation resolves it.
  function relationOf(o) {
    const spec = OPS[o.op];
    const img = cfg.image, ker = o.kernel;
    const iLo = lows(img), kLo = lows(ker);
    let { pad, mode, rule } = o;
    const { stride, dil, convention } = o;
    const outPad = spec.t ? o.outPad : img.map(() => 0);
    if (convention === 'matlab') {
      if (rule !== 'zeros') throw new Error('MATLAB\'s conv/conv2/convn pad with zeros only');
      if (mode === 'valid' && ker.some((k, a) => k > img[a])) {
        throw new Error('MATLAB\'s \'valid\' output is empty when the kernel is larger than ' +
          'the image on an axis (SciPy swaps the operands instead)');
      }
    }
    if (convention === 'opencv' && rule === 'circular') {
      throw new Error('cv2.filter2D does not take BORDER_WRAP (OpenCV refuses it)');
    }
    if (spec.t) {
      if (mode !== null) {
        throw new Error('conv-transpose has its own output size, as PyTorch\'s ' +
          'conv_transpose: give --padding and --output-padding, not --mode');
      }
      if (rule !== 'zeros') {
        throw new Error('conv-transpose reads no padding: --padding-mode does not apply ' +
          '(PyTorch\'s conv_transpose supports zeros only)');
      }
      if (pad === null) pad = img.map(() => [0, 0]);
    }
    outPad.forEach((a, i) => {
      const s = stride[i], d = dil[i];
      if (a >= Math.max(s, d)) {
        throw new Error(`bad output padding ${a}: it must be smaller than the stride ` +
          `(${s}) or the dilation (${d}), as PyTorch requires`);
      }
    });
    if (mode === 'valid') rule = 'zeros';
    if (pad !== null && !spec.t && convention !== 'opencv') {
      pad.forEach(([lo, hi], a) => {
        const n = img[a], m = Math.max(lo, hi);
        if (rule === 'reflect' && m >= n) {
          throw new Error(`reflect padding ${m} on axis ${a} must be smaller than the ` +
            `image's size ${n} there (as torch.nn.functional.pad)`);
        }
        if (rule === 'circular' && m > n) {
          throw new Error(`circular padding ${m} on axis ${a} would wrap around the image ` +
            `(size ${n}) more than once; PyTorch refuses it (torch.nn.functional.pad)`);
        }
      });
    }
    if (pad === null && mode === 'valid' && convention === 'scipy' && dims > 1) {
      const ke = img.map((n, a) => dil[a] * (ker[a] - 1) + 1);
      const bigger = img.every((n, a) => n >= ke[a]);
      const smaller = img.every((n, a) => n <= ke[a]);
      if (!bigger && !smaller) {
        throw new Error('for mode \'valid\' the image must be at least as large as the ' +
          'kernel on every axis, or the kernel at least as large on every axis (as ' +
          'scipy.signal)');
      }
    }
    const center = cfg.origin === 'center';
    const axes = img.map((n, a) => (spec.t
      ? transposedAxis(iLo[a], n, kLo[a], ker[a], stride[a], dil[a], pad[a], outPad[a], center)
      : forwardAxis(spec, iLo[a], n, kLo[a], ker[a], stride[a], dil[a],
        pad ? pad[a] : null, mode, convention, center, rule)));
    return { op: o.op, axes, padding: pad, mode, rule, stride, dil, outPad, kLo, iLo };
  }
  // The page's settings as a request.
  function resolve(st) {
    // symconv's check_value_symbols: with the kernel's values dropped (another kernel size),
    // a symbol among the image's values must not be printed like a kernel entry
    if (cfg.x && !(cfg.h && sameKernel())) {
      const entries = new Set(currentEntries() || []);
      for (const sym of cfg.x.symbols) {
        if (entries.has(sym)) {
          throw new Error(`symbol '${sym}' in the values of ${cfg.names.image} is also the ` +
            'name of a kernel entry; give the symbol another name (or the entries others ' +
            'with --entries)');
        }
      }
    }
    const pad = padPairs(st);
    return relationOf({ op: st.op, kernel: st.kernel, mode: pad === null ? st.padding : null,
      pad, rule: st.paddingMode, stride: st.stride, dil: st.dilation,
      outPad: st.outputPadding, convention: 'scipy' });
  }

  const affine = (f, m, k) => f.stride * m + f.sigma * f.d * k + f.c;

  // Taps of output m on one axis, in increasing k: {k, r (slot), i (mapped), valid}.
  function axisTaps(f, m) {
    const out = [];
    for (let k = f.kLo; k < f.kLo + f.K; k++) {
      const r = affine(f, m, k);
      if (mod(r, f.u) !== 0) { out.push({ k, r, i: null, valid: false }); continue; }
      const [i, valid] = mapBoundary(r / f.u, f.iLo, f.n, f.rule);
      out.push({ k, r, i, valid });
    }
    return out;
  }
  // The display order of taps (symconv's tap_order): with axes xy the last axis outermost.
  const tapAxes = () => (dims === 1 ? [0] : (cfg.axes === 'xy' ? [1, 0] : [0, 1]));

  function product(lists) {
    let out = [[]];
    for (const list of lists) {
      const next = [];
      for (const head of out) for (const item of list) next.push(head.concat([item]));
      out = next;
    }
    return out;
  }
  // Every tap of output idx: {slot: [...], k: [...], x: [...] | null (no term)}.
  function taps(rel, idx) {
    const per = rel.axes.map((f, a) => axisTaps(f, idx[a]));
    const order = tapAxes();
    return product(order.map((a) => per[a])).map((combo) => {
      const byAxis = [];
      order.forEach((a, j) => { byAxis[a] = combo[j]; });
      return { slot: byAxis.map((t) => t.r), k: byAxis.map((t) => t.k),
        x: byAxis.every((t) => t.valid) ? byAxis.map((t) => t.i) : null };
    });
  }

  function outputs(rel) {  // output indices in C order over positions
    return product(rel.axes.map((f) => Array.from({ length: f.count }, (_, p) => f.outLo + p)));
  }

  // ---- names and numbers -------------------------------------------------------------
  const sameKernel = () => state.kernel.every((k, a) => k === cfg.kernel[a]);
  function currentEntries() {  // the kernel's entry names in display order, or null (indexed)
    if (sameKernel()) return cfg.entries;
    const size = state.kernel.reduce((a, b) => a * b, 1);
    return size <= 26 ? LETTERS.slice(0, size).split('') : null;
  }
  function entryName(k, kLo) {
    const K = state.kernel;
    const entries = currentEntries();
    if (entries === null) return `${cfg.names.kernel}[${k.join(', ')}]`;
    const rel = k.map((v, a) => v - kLo[a]);
    let flat;
    if (dims === 1) flat = rel[0];
    else if (cfg.axes === 'xy') flat = rel[1] * K[0] + rel[0];
    else flat = rel[0] * K[1] + rel[1];
    return entries[flat];
  }
  function flatIndex(idx, lo, shape) {
    let f = 0;
    idx.forEach((v, a) => { f = f * shape[a] + (v - lo[a]); });
    return f;
  }
  const xAt = (rel, i) => flatIndex(i, rel.iLo, cfg.image);
  const hAt = (rel, k) => flatIndex(k, rel.kLo, state.kernel);
  const xValue = (rel, i) => (cfg.x ? cfg.x.text[xAt(rel, i)] : null);
  const hValue = (rel, k) => (cfg.h && sameKernel() ? cfg.h.text[hAt(rel, k)] : null);
  const hasValues = () => Boolean(cfg.x && cfg.h && sameKernel());
  // Exact rationals as [numerator, denominator] big integers (symconv's exact arithmetic).
  const bigGcd = (a, b) => { a = a < 0n ? -a : a; b = b < 0n ? -b : b; while (b) [a, b] = [b, a % b]; return a; };
  const rational = (text) => { const [p, q] = text.split('/'); return [BigInt(p), BigInt(q)]; };

  // ---- the picture -------------------------------------------------------------------
  let rel = null, outs = [], cells = {}, selected = [], outCells = [], focused = null;
  const key = (v) => v.join(',');
  // (column, row) of an index on a grid whose lowest index is lo
  function place(v, lo) {
    if (dims === 1) return [v[0] - lo[0], 0];
    const r = [v[0] - lo[0], v[1] - lo[1]];
    return cfg.axes === 'xy' ? r : [r[1], r[0]];
  }
  function gridOf(shape) {
    if (dims === 1) return [shape[0], 1];
    return cfg.axes === 'xy' ? [shape[0], shape[1]] : [shape[1], shape[0]];
  }
  // A grid as ARIA has it (rows of gridcells; the rows are display: contents, so the cells
  // are placed by the CSS grid).
  // A cell's text, set smaller when it is long (the whole text stays in the cell's title):
  // six characters fit at the cell's smaller size, more wrap at the smallest.
  const sizeClass = (text) => (text.length > 6 ? 'longer' : text.length > 5 ? 'long' : '');
  function fit(c, text, cls) {
    const span = el('span', { class: cls || 'v' }, text);
    if (sizeClass(text)) span.classList.add(sizeClass(text));
    c.appendChild(span);
    return span;
  }
  function makeGrid(box, shape, label, readonly) {
    const [cols, rows] = gridOf(shape);
    const g = el('div', { class: 'grid', role: 'grid', 'aria-label': label,
      'aria-readonly': String(Boolean(readonly)),
      'aria-rowcount': String(rows), 'aria-colcount': String(cols) });
    g.style.gridTemplateColumns = `repeat(${cols}, var(--cell))`;
    g.style.gridTemplateRows = `repeat(${rows}, var(--cell))`;
    g.rows = Array.from({ length: rows }, () => g.appendChild(el('div', { role: 'row' })));
    box.replaceChildren(g);
    return g;
  }
  function put(g, node, col, row) {
    node.style.gridColumn = String(col + 1);
    node.style.gridRow = String(row + 1);
    g.rows[row].appendChild(node);
  }
  function slotRange(f, pad) {
    const ends = [];
    for (const m of [f.outLo, f.outLo + f.count - 1]) {
      for (const k of [f.kLo, f.kLo + f.K - 1]) ends.push(affine(f, m, k));
    }
    const [pl, ph] = pad || [0, 0];
    return [Math.min(Math.min(...ends), f.u * (f.iLo - pl)),
      Math.max(Math.max(...ends), f.u * (f.iLo + f.n - 1 + ph))];
  }

  function build() {
    const err = $('#error');
    try {
      rel = resolve(state);
      err.hidden = true; err.textContent = '';
    } catch (e) {
      rel = null;
      play(false);
      err.hidden = false; err.textContent = 'symconv would refuse this: ' + e.message;
      for (const id of ['#image', '#kernel', '#output', '#terms']) $(id).replaceChildren();
      $('#where').textContent = 'no output';
      $('#relation').textContent = '';
      $('#step').max = '0'; $('#step').value = '0';
      outs = []; outCells = []; selected = []; focused = null;
      updateCommand(); updateCode();
      return;
    }
    cells = {};
    selected = [];
    focused = null;
    outs = outputs(rel);
    // the input: every slot any output reaches, and the padding
    const lo = [], hi = [];
    rel.axes.forEach((f, a) => {
      const [l, h] = slotRange(f, rel.padding ? rel.padding[a] : null);
      lo.push(l); hi.push(h);
    });
    const shape = lo.map((l, a) => hi[a] - l + 1);
    const ig = makeGrid($('#image'), shape, `input ${cfg.names.image} with its padding`, true);
    for (const pos of product(shape.map((n, a) => Array.from({ length: n }, (_, j) => lo[a] + j)))) {
      const c = el('div', { class: 'cell', role: 'gridcell' });
      const inserted = pos.some((p, a) => mod(p, rel.axes[a].u) !== 0);
      if (inserted) {
        c.setAttribute('data-inserted', '');
        c.classList.add('zero');
        c.appendChild(el('span', { class: 'v' }, '0'));
      } else {
        const i = pos.map((p, a) => p / rel.axes[a].u);
        const inside = i.every((v, a) => v >= rel.iLo[a] && v < rel.iLo[a] + cfg.image[a]);
        c.setAttribute('data-pixel', key(i));
        c.title = `${cfg.names.image}[${i.join(', ')}]`;
        if (!inside) {
          c.setAttribute('data-padding', '');
          c.classList.add('pad');
          if (rel.rule === 'zeros') { c.appendChild(el('span', { class: 'v' }, '0')); c.title += ' (zero padding)'; }
          else {
            const src = i.map((v, a) => mapBoundary(v, rel.iLo[a], cfg.image[a], rel.rule)[0]);
            c.setAttribute('data-source', key(src));
            fit(c, cfg.x ? xValue(rel, src) : key(src));
            c.title += ` (padding: ${cfg.names.image}[${src.join(', ')}]` + (cfg.x ? ` = ${xValue(rel, src)})` : ')');
          }
        } else {
          fit(c, cfg.x ? xValue(rel, i) : key(i));
          if (cfg.x) c.title += ` = ${xValue(rel, i)}`;
        }
      }
      c.appendChild(el('span', { class: 'e' }));
      const [col, row] = place(pos, lo);
      put(ig, c, col, row);
      cells['s' + key(pos)] = c;
      if (!inserted && c.hasAttribute('data-pixel')) cells['p' + c.getAttribute('data-pixel')] = c;
    }
    // the kernel, entries in their array places
    const kg = makeGrid($('#kernel'), state.kernel, `kernel ${cfg.names.kernel}`, true);
    for (const k of product(state.kernel.map((n, a) => Array.from({ length: n }, (_, j) => rel.kLo[a] + j)))) {
      const c = el('div', { class: 'cell ker', role: 'gridcell', 'data-kernel': key(k) });
      const hv = hValue(rel, k);
      fit(c, entryName(k, rel.kLo), 'e');
      if (hv !== null) fit(c, hv);
      c.title = `${cfg.names.kernel}[${k.join(', ')}]` + (hv !== null ? ` = ${hv}` : '');
      const [col, row] = place(k, rel.kLo);
      put(kg, c, col, row);
      cells['k' + key(k)] = c;
    }
    // the output
    const oShape = rel.axes.map((f) => f.count);
    const oLo = rel.axes.map((f) => f.outLo);
    const og = makeGrid($('#output'), oShape, `output ${cfg.names.output}`);
    outCells = outs.map((m, p) => {
      const c = el('div', { class: 'cell out', role: 'gridcell', 'data-output': key(m),
        tabindex: '-1', 'aria-selected': 'false' });
      c.dataset.pos = String(p);
      c.title = `${cfg.names.output}[${m.join(', ')}]`;
      const value = outputValue(m);
      fit(c, value === null ? m.join(',') : value);
      if (value !== null) c.title += ` = ${value}`;
      const [col, row] = place(m, oLo);
      put(og, c, col, row);
      return c;
    });
    const slider = $('#step');
    slider.max = String(Math.max(outs.length - 1, 0));
    state.at = Math.min(state.at, outs.length - 1);
    $('#relation').textContent = rel.axes.map((f, a) => {
      const mi = dims === 1 ? 'm' : ['m', 'n'][a];
      const ki = dims === 1 ? 'k' : ['k', 'l'][a];
      const ii = dims === 1 ? 'i' : ['i', 'j'][a];
      const lhs = f.u > 1 ? `${f.u}${ii}` : ii;
      const sd = f.sigma * f.d;
      const sdText = sd === 1 ? '+ ' : sd === -1 ? '\u2212 ' : (sd < 0 ? `\u2212 ${-sd}` : `+ ${sd}`);
      const cText = f.c === 0 ? '' : (f.c < 0 ? ` \u2212 ${-f.c}` : ` + ${f.c}`);
      const sText = f.stride === 1 ? '' : f.stride === -1 ? '\u2212' : String(f.stride);
      return `${lhs} = ${sText}${mi} ${sdText}${ki}${cText}`;
    }).join(';   ') + (rel.rule === 'zeros' ? '' : `   (outside the image: ${rel.rule})`);
    select(state.at, false);
    updateCommand(); updateCode();
  }

  function termsOf(m) { return taps(rel, m); }
  // The output's value as symconv's "exact" prints it ("21/32") when every value it reads
  // is rational, as a float when some are floats, or null (a symbol or a surd: no number).
  // ``list``: the output's taps, when the caller has them already.
  function outputValue(m, list) {
    if (!hasValues()) return null;
    let p = 0n, q = 1n, f = 0, exact = true;
    for (const t of list || termsOf(m)) {
      if (t.x === null) continue;
      const i = xAt(rel, t.x), k = hAt(rel, t.k);
      const xe = cfg.x.exact[i], he = cfg.h.exact[k];
      // a zero factor makes the product 0 whatever the other is (a symbol too); a float
      // factor makes the sum a float, as in symconv's arithmetic
      if (xe === '0/1' || he === '0/1' || cfg.x.float[i] === 0 || cfg.h.float[k] === 0) {
        if (cfg.x.float[i] !== null || cfg.h.float[k] !== null) exact = false;
        continue;
      }
      const xr = xe === null ? null : rational(xe), hr = he === null ? null : rational(he);
      if (xr && hr && exact) {
        const [a, b] = xr, [c, d] = hr;
        p = p * b * d + a * c * q; q = q * b * d;
        const g = bigGcd(p, q); if (g > 1n) { p /= g; q /= g; }
      }
      const xf = xr ? Number(xr[0]) / Number(xr[1]) : cfg.x.float[i];
      const hf = hr ? Number(hr[0]) / Number(hr[1]) : cfg.h.float[k];
      if (xf === null || hf === null) return null;
      if (xe === null || he === null) exact = false;
      f += xf * hf;
    }
    if (exact) return q === 1n ? String(p) : `${p}/${q}`;
    return String(Number(f.toPrecision(12)));
  }

  // ---- selection ---------------------------------------------------------------------
  function mathIndex(row, name, idx) {
    row.appendChild(mel('mi', name));
    const tight = (text) => {
      const o = mel('mo', text);
      o.setAttribute('lspace', '0');
      o.setAttribute('rspace', text === ',' ? '0.1em' : '0');
      o.setAttribute('stretchy', 'false');
      return o;
    };
    row.appendChild(tight('['));
    idx.forEach((v, j) => {
      if (j) row.appendChild(tight(','));
      row.appendChild(mel('mn', v < 0 ? '\u2212' + String(-v) : String(v)));
    });
    row.appendChild(tight(']'));
  }
  function termMath(t) {
    const math = mel('math');
    const row = mel('mrow');
    const name = entryName(t.k, rel.kLo);
    const hv = hValue(rel, t.k), xv = xValue(rel, t.x);
    if (name.includes('[')) mathIndex(row, cfg.names.kernel, t.k);
    else row.appendChild(mel('mi', name));
    row.appendChild(mel('mo', '\u22c5'));
    mathIndex(row, cfg.names.image, t.x);
    math.appendChild(row);
    math.setAttribute('data-term', `${key(t.x)}|${key(t.k)}`);
    const wrap = el('span', { class: 'term' });
    wrap.appendChild(math);
    if (hv !== null || xv !== null) {
      wrap.appendChild(el('span', { class: 'num' }, `${hv !== null ? hv : name}\u00b7${xv !== null ? xv : '?'}`));
    }
    return wrap;
  }

  function select(p, focus) {
    const t0 = performance.now();
    if (!rel || !outs.length) return;
    p = Math.max(0, Math.min(p, outs.length - 1));
    state.at = p;
    for (const c of selected) {
      c.setAttribute('aria-selected', 'false');
      c.classList.remove('win', 'read', 'muted-tap');
      const e = c.querySelector('.e');
      if (e && !c.hasAttribute('data-kernel')) e.textContent = '';
    }
    selected = [];
    const mark = (c, cls) => {
      if (!c) return;
      if (cls) c.classList.add(cls);
      if (!selected.includes(c)) selected.push(c);
    };
    const m = outs[p];
    const oc = outCells[p];
    oc.setAttribute('aria-selected', 'true');
    if (focused && focused !== oc) focused.setAttribute('tabindex', '-1');
    oc.setAttribute('tabindex', '0');  // a roving tab stop: Tab reaches the selected output
    focused = oc;
    mark(oc);
    const list = termsOf(m);
    const terms = list.filter((t) => t.x !== null);
    for (const t of list) {
      const c = cells['s' + key(t.slot)];
      if (!c) continue;
      mark(c, t.x === null ? 'muted-tap' : 'win');
      const e = c.querySelector('.e');
      e.textContent = entryName(t.k, rel.kLo);
      e.classList.remove('long', 'longer');
      if (sizeClass(e.textContent)) e.classList.add(sizeClass(e.textContent));
      if (c.hasAttribute('data-padding')) c.setAttribute('aria-selected', 'true');
    }
    for (const t of terms) {
      const c = cells['p' + key(t.x)];
      mark(c, 'read');
      c.setAttribute('aria-selected', 'true');
      const kc = cells['k' + key(t.k)];
      mark(kc, 'read');
      kc.setAttribute('aria-selected', 'true');
    }
    // the terms in MathML
    const box = $('#terms');
    const head = mel('math');
    const hr = mel('mrow');
    mathIndex(hr, cfg.names.output, m);
    hr.appendChild(mel('mo', '='));
    head.appendChild(hr);
    const nodes = [el('span', { class: 'lhs' })];
    nodes[0].appendChild(head);
    terms.forEach((t, j) => {
      if (j) nodes.push(el('span', { class: 'plus' }, '+'));
      nodes.push(termMath(t));
    });
    if (!terms.length) {
      const zero = mel('math');
      zero.appendChild(mel('mn', '0'));
      nodes.push(zero);
    }
    const lines = [el('div', { class: 'eq' })];
    lines[0].append(...nodes);
    const skipped = list.length - terms.length;
    const words = `${terms.length} term${terms.length === 1 ? '' : 's'}` +
      (skipped ? `; ${skipped} tap${skipped === 1 ? '' : 's'} on ${rel.axes.some((f) => f.u > 1) ? 'zeros (padding or inserted between pixels)' : 'zero padding'} add nothing` : '');
    lines.push(el('p', { class: 'count' }, words));
    const value = outputValue(m, list);
    if (value !== null) lines.push(el('p', { class: 'count', 'data-value': '' }, `= ${value}`));
    box.replaceChildren(...lines);
    $('#step').value = String(p);
    $('#where').textContent = `${cfg.names.output}[${m.join(', ')}]: output ${p + 1} of ${outs.length}`;
    if (focus) oc.focus();
    api.lastMs = performance.now() - t0;
  }

  // ---- the command line and the code -------------------------------------------------
  function command(forPort) {
    const st = state;
    const parts = ['symconv', forPort ? 'port' : 'expand', st.op, '--image', cfg.image.join('x'),
      '--kernel', st.kernel.join('x')];
    if (cfg.origin !== 'center') parts.push('--origin', cfg.origin === 'corner' ? 'corner' : cfg.origin_offsets.join(','));
    if (cfg.axes !== 'xy') parts.push('--axes', cfg.axes);
    if (MODES.includes(st.padding)) { if (st.padding !== 'full') parts.push('--mode', st.padding); }
    else if (st.padding === 'custom') parts.push('--padding', cfg.padding_pairs.map(([a, b]) => `${a}:${b}`).join(','));
    else parts.push('--padding', st.padding);
    if (st.paddingMode !== 'zeros') parts.push('--padding-mode', st.paddingMode);
    if (st.stride.some((v) => v !== 1)) parts.push('--stride', st.stride.join(','));
    if (st.dilation.some((v) => v !== 1)) parts.push('--dilation', st.dilation.join(','));
    if (OPS[st.op].t && st.outputPadding.some((v) => v)) parts.push('--output-padding', st.outputPadding.join(','));
    if (cfg.names_option && !forPort) parts.push('--names', cfg.names_option);
    if (cfg.entries_option && sameKernel() && !forPort) parts.push('--entries', cfg.entries_option);
    // symconv port takes values only both together (to print the expected y)
    const both = Boolean(cfg.x && cfg.h && sameKernel());
    if (cfg.x && (!forPort || both)) parts.push('--x', cfg.x.option);
    if (cfg.h && sameKernel() && (!forPort || both)) parts.push('--h', cfg.h.option);
    return parts;
  }
  const quote = (s) => (/^[A-Za-z0-9_.,:=x/+-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`);
  function updateCommand() { $('#command').textContent = command().map(quote).join(' '); }

  // symconv.app.port, for PyTorch and NumPy
  const tupleText = (items) => '(' + items.join(', ') + (items.length === 1 ? ',' : '') + ')';
  function axisPlan(f) {
    const reverse = f.stride < 0, step = Math.abs(f.stride);
    const m0 = reverse ? f.outLo + f.count - 1 : f.outLo;
    const kFirst = f.sigma > 0 ? f.kLo : f.kLo + f.K - 1;
    const start = affine(f, m0, kFirst) - f.u * f.iLo;
    const last = start + step * (f.count - 1) + f.d * (f.K - 1);
    const inserted = f.u * (f.n - 1) + 1;
    return { size: f.n, kernel: f.K, flip: f.sigma < 0, stride: step, dilation: f.d,
      lo: -start, hi: last - (inserted - 1), count: f.count, reverse, zb: f.u,
      spread: f.d * (f.K - 1) + 1, inserted };
  }
  function plan(r) {
    const axes = r.axes.map(axisPlan);
    let boundary = r.axes[0].rule;
    if (axes.every((a) => a.lo <= 0 && a.hi <= 0)) boundary = 'zeros';
    return { axes, boundary };
  }
  const toggled = (p) => ({ axes: p.axes.map((a) => ({ ...a, flip: !a.flip })), boundary: p.boundary });
  const samePlan = (p, q) => q !== null && JSON.stringify(p) === JSON.stringify(q);
  // The plan symconv's model gives a library call (port's _same_plan), or null.
  function candidate(kind, mode, convention, rule) {
    const ones = cfg.image.map(() => 1);
    const pad = convention === 'opencv'
      ? state.kernel.map((k) => [fdiv(k, 2), k - 1 - fdiv(k, 2)]) : null;
    try {
      return plan(relationOf({ op: kind, kernel: state.kernel, mode, pad, rule: rule || 'zeros',
        stride: ones, dil: ones, outPad: cfg.image.map(() => 0), convention }));
    } catch (e) { return null; }
  }
  function prepareImage(p, v, lines) {
    if (p.axes.some((a) => a.zb > 1)) {
      lines.push(`xz = np.zeros(${tupleText(p.axes.map((a) => String(a.inserted)))}, dtype=${v}.dtype)`);
      lines.push('xz[' + p.axes.map((a) => `::${a.zb}`).join(', ') + `] = ${v}  # zeros between the pixels`);
      v = 'xz';
    }
    const pads = p.axes.map((a) => [Math.max(a.lo, 0), Math.max(a.hi, 0)]);
    if (pads.some(([l, h]) => l || h)) {
      const parts = pads.map(([l, h]) => `(${l}, ${h})`);
      const spec = parts.length === 1 ? parts[0] : '(' + parts.join(', ') + ')';
      lines.push(`xp = np.pad(${v}, ${spec}, mode="${NP_PAD[p.boundary]}")`);
      v = 'xp';
    }
    if (p.axes.some((a) => a.lo < 0 || a.hi < 0)) {
      const cuts = p.axes.map((a) => `${a.lo < 0 ? -a.lo : 0}:${Math.max(a.lo, 0) + a.inserted + a.hi}`);
      lines.push(`xp = ${v}[${cuts.join(', ')}]  # the first output starts inside the image`);
      v = 'xp';
    }
    return v;
  }
  function forwardKernel(p, lines, why) {
    const flips = p.axes.map((a, i) => (a.flip ? String(i) : null)).filter((v) => v !== null);
    if (flips.length) {
      lines.push(`w = np.flip(h, axis=${tupleText(flips)})  # ${why || 'a convolution flips the kernel'}`);
      return 'w';
    }
    return 'h';
  }
  function dilateKernel(p, v, lines) {
    if (p.axes.every((a) => a.dilation === 1)) return v;
    lines.push(`wd = np.zeros(${tupleText(p.axes.map((a) => String(a.spread)))}, dtype=${v}.dtype)`);
    lines.push('wd[' + p.axes.map((a) => `::${a.dilation}`).join(', ') + `] = ${v}  # the dilated kernel`);
    return 'wd';
  }
  function strideSlice(p) {
    const parts = p.axes.map((a) => (a.stride > 1 ? `::${a.stride}` : ':'));
    return p.axes.some((a) => a.stride > 1) ? `[${parts.join(', ')}]` : '';
  }
  function tfSame(n, k, s, d) {  // TensorFlow's and JAX's 'SAME' padding (tensorflow_same)
    const total = Math.max((Math.ceil(n / s) - 1) * s + (k - 1) * d + 1 - n, 0);
    return [fdiv(total, 2), total - fdiv(total, 2)];
  }
  const isTfSame = (p) => p.axes.every((a) => {
    const [lo, hi] = tfSame(a.size, a.kernel, a.stride, a.dilation);
    return a.lo === lo && a.hi === hi;
  });
  const inserts = (p) => p.axes.some((a) => a.zb > 1);
  function reverseLines(p, lines) {
    const rev = p.axes.map((a, i) => (a.reverse ? String(i) : null)).filter((v) => v !== null);
    if (rev.length) {
      lines.push(`y = np.flip(y, axis=${tupleText(rev)})  # the reflected output: y[m] is the correlation's y[-m]`);
    }
  }
  function numpyPort(p) {
    const imports = 'import numpy as np';
    if (dims === 1) {
      for (const mode of MODES) {
        const conv = candidate('conv', mode, 'numpy');
        if (samePlan(p, conv)) return { imports, code: `y = np.convolve(x, h, mode="${mode}")`, notes: [] };
        if (conv !== null && samePlan(p, toggled(conv))) {
          return { imports, code: `y = np.convolve(x, h[::-1], mode="${mode}")  # a correlation: the convolution with the reversed kernel (np.correlate would conjugate h)`, notes: [] };
        }
      }
    }
    const lines = [];
    const xv = prepareImage(p, 'x', lines);
    const wv = forwardKernel(p, lines);
    const steps = p.axes.map((a) => (a.stride > 1 ? `::${a.stride}` : ':'))
      .concat(p.axes.map((a) => (a.dilation > 1 ? `::${a.dilation}` : ':')));
    const pick = steps.some((t) => t !== ':') ? `[${steps.join(', ')}]` : '';
    lines.push(`win = sliding_window_view(${xv}, ${tupleText(p.axes.map((a) => String(a.spread)))}, axis=${tupleText(p.axes.map((a, i) => String(i)))})${pick}  # every output's taps`);
    const out = EINSUM.slice(0, dims), tp = EINSUM.slice(dims, 2 * dims);
    lines.push(`y = np.einsum("${out}${tp},${tp}->${out}", win, ${wv})`);
    reverseLines(p, lines);
    return { imports: imports + '\nfrom numpy.lib.stride_tricks import sliding_window_view',
      code: lines.join('\n'), notes: [] };
  }
  function torchPort(r, p) {
    const imports = 'import numpy as np\nimport torch\nimport torch.nn.functional as F';
    const n = dims;
    const lines = ['dt = np.result_type(x, h, np.float64)  # one dtype for both (complex if either is)'];
    const notes = [];
    if (OPS[r.op].t) {
      lines.push('xt = torch.from_numpy(np.array(x, dtype=dt))[None, None]');
      lines.push('wt = torch.from_numpy(np.array(h, dtype=dt))[None, None]');
      const pads = r.padding;
      const sym = pads.every(([l, h]) => l === h);
      const padArg = sym ? tupleText(pads.map(([l]) => String(l))) : '0';
      lines.push(`yt = F.conv_transpose${n}d(xt, wt, stride=${tupleText(r.stride.map(String))}, padding=${padArg}, output_padding=${tupleText(r.outPad.map(String))}, dilation=${tupleText(r.dil.map(String))})`);
      if (sym) lines.push('y = yt[0, 0].numpy()');
      else {
        const cuts = pads.map(([l], a) => `${l}:${l + p.axes[a].count}`);
        lines.push(`y = yt[0, 0].numpy()[${cuts.join(', ')}]  # an uneven padding, cropped`);
        notes.push('PyTorch\'s padding removes the same number of outputs at both ends: the uneven padding is cropped from the unpadded output');
      }
      return { imports, code: lines.join('\n'), notes };
    }
    const pads = p.axes.map((a) => [a.lo, a.hi]);
    const sym = pads.every(([l, h]) => l === h && l >= 0);
    const tm = TORCH_PAD[p.boundary];
    const fits = tm !== undefined && pads.every(([l, h]) => l >= 0 && h >= 0) &&
      pads.every(([l, h], a) => !['reflect', 'circular'].includes(p.boundary) ||
        Math.max(l, h) < p.axes[a].size || (p.boundary === 'circular' && Math.max(l, h) <= p.axes[a].size));
    let convPad = '0';
    if (p.boundary === 'zeros' && sym) {
      convPad = tupleText(pads.map(([l]) => String(l)));
      lines.push('xt = torch.from_numpy(np.array(x, dtype=dt))[None, None]');
    } else if (fits) {
      lines.push('xt = torch.from_numpy(np.array(x, dtype=dt))[None, None]');
      const flat = pads.slice().reverse().map(([l, h]) => `${l}, ${h}`).join(', ');
      const extra = p.boundary === 'zeros' ? '' : `, mode="${tm}"`;
      lines.push(`xt = F.pad(xt, (${flat})${extra})  # last axis first`);
    } else {
      const xv = prepareImage(p, 'x', lines);
      lines.push(`xt = torch.from_numpy(np.array(${xv}, dtype=dt))[None, None]`);
      if (p.boundary !== 'zeros' && pads.some(([l, h]) => l > 0 || h > 0)) {
        notes.push(`torch.nn.functional.pad cannot pad this way (${p.boundary}` + (tm ? ', wider than the image' : '') + '): np.pad does');
      }
    }
    const wv = forwardKernel(p, lines);
    lines.push(`wt = torch.from_numpy(np.array(${wv}, dtype=dt))[None, None]`);
    lines.push(`yt = F.conv${n}d(xt, wt, stride=${tupleText(p.axes.map((a) => String(a.stride)))}, padding=${convPad}, dilation=${tupleText(p.axes.map((a) => String(a.dilation)))})`);
    lines.push('y = yt[0, 0].numpy()');
    reverseLines(p, lines);
    return { imports, code: lines.join('\n'), notes };
  }
  function scipyNative(p) {
    if (p.boundary === 'zeros' && !inserts(p)) {
      for (const mode of MODES) {
        const conv = candidate('conv', mode, 'scipy');
        if (samePlan(p, conv)) return `y = scipy.signal.convolve(x, h, mode="${mode}")`;
        if (conv !== null && samePlan(p, toggled(conv))) {
          return `y = scipy.signal.convolve(x, np.flip(h), mode="${mode}")  # a correlation: the convolution with the flipped kernel (scipy.signal.correlate would conjugate h)`;
        }
      }
    }
    const names = { zeros: 'fill', circular: 'wrap', symmetric: 'symm' };
    if (dims === 2 && names[p.boundary]) {
      for (const mode of ['full', 'same']) {
        const conv = candidate('conv', mode, 'scipy', p.boundary);
        if (conv === null) continue;
        const b = names[p.boundary];
        if (samePlan(p, conv)) return `y = scipy.signal.convolve2d(x, h, mode="${mode}", boundary="${b}")`;
        if (samePlan(p, toggled(conv))) {
          return `y = scipy.signal.convolve2d(x, np.flip(h), mode="${mode}", boundary="${b}")  # a correlation: the flipped kernel`;
        }
      }
    }
    return null;
  }
  function scipyPort(p) {
    const imports = 'import numpy as np\nimport scipy.signal';
    const native = scipyNative(p);
    if (native !== null) return { imports, code: native, notes: [] };
    const lines = [];
    const xv = prepareImage(p, 'x', lines);
    let wv = forwardKernel(toggled(p), lines, 'a correlation: convolve flips it back');
    wv = dilateKernel(p, wv, lines);
    lines.push(`y = scipy.signal.convolve(${xv}, ${wv}, mode="valid")${strideSlice(p)}`);
    reverseLines(p, lines);
    const notes = [];
    if (p.axes.some((a) => a.dilation > 1)) notes.push('scipy.signal has no dilation: the kernel\'s taps are spread with zeros');
    if (p.axes.some((a) => a.stride > 1)) notes.push('scipy.signal has no stride: every stride-th output of the stride-1 correlation is kept');
    return { imports, code: lines.join('\n'), notes };
  }
  function tensorflowPort(p) {
    const imports = 'import numpy as np\nimport tensorflow as tf';
    const notes = ['TensorFlow convolves real floating arrays (float32/float64)'];
    const lines = [];
    const both = p.axes.some((a) => a.stride > 1) && p.axes.some((a) => a.dilation > 1);
    const same = p.boundary === 'zeros' && !inserts(p) && !both && dims <= 2 && isTfSame(p);
    let padding = 'VALID', xv;
    if (same && p.axes.some((a) => a.lo || a.hi)) { padding = 'SAME'; xv = 'x'; }
    else xv = prepareImage(p, 'x', lines);
    const wv = forwardKernel(p, lines);
    lines.push(`inp = ${xv}[None, ..., None]  # N, spatial..., C`);
    lines.push(`w = ${wv}[..., None, None]  # spatial..., in, out`);
    const strides = p.axes.map((a) => String(both ? 1 : a.stride));
    lines.push(`out = tf.nn.convolution(inp, w, strides=${tupleText(strides)}, padding="${padding}", dilations=${tupleText(p.axes.map((a) => String(a.dilation)))})`);
    lines.push('y = out.numpy()[0, ..., 0]' + (both ? strideSlice(p) : ''));
    if (both) notes.push('tf.nn.convolution refuses strides > 1 with dilations > 1: stride 1, then every stride-th output');
    if (inserts(p)) notes.push('zeros are inserted between the pixels (a transposed convolution), then a stride-1 correlation with the flipped kernel');
    reverseLines(p, lines);
    return { imports, code: lines.join('\n'), notes };
  }
  function jaxPort(p) {
    const imports = 'import numpy as np\nimport jax.numpy as jnp\nfrom jax import lax';
    const notes = ['JAX computes in float32 unless jax_enable_x64 is set'];
    let padding = p.axes.map((a) => [a.lo, a.hi]);
    const lines = ['dt = jnp.result_type(x, h)  # one dtype for both (complex if either is)'];
    lines.push('lhs = jnp.asarray(x, dtype=dt)[None, None]');
    if (p.boundary !== 'zeros') {
      const pos = ['(0, 0)', '(0, 0)'].concat(padding.map(([l, h]) => `(${Math.max(l, 0)}, ${Math.max(h, 0)})`)).join(', ');
      lines.push(`lhs = jnp.pad(lhs, (${pos}), mode="${NP_PAD[p.boundary]}")`);
      padding = padding.map(([l, h]) => [Math.min(l, 0), Math.min(h, 0)]);
    }
    const wv = forwardKernel(p, lines);
    lines.push(`rhs = jnp.asarray(${wv}, dtype=dt)[None, None]`);
    let padText = tupleText(padding.map(([l, h]) => `(${l}, ${h})`));
    if (p.boundary === 'zeros' && !inserts(p) && padding.some(([l, h]) => l || h) && isTfSame(p)) padText = '"SAME"';
    let call = `out = lax.conv_general_dilated(lhs, rhs, window_strides=${tupleText(p.axes.map((a) => String(a.stride)))}, padding=${padText}`;
    if (inserts(p)) call += `, lhs_dilation=${tupleText(p.axes.map((a) => String(a.zb)))}`;
    call += `, rhs_dilation=${tupleText(p.axes.map((a) => String(a.dilation)))}, precision=lax.Precision.HIGHEST)`;
    lines.push(call);
    lines.push('y = np.asarray(out[0, 0])');
    reverseLines(p, lines);
    if (padding.some(([l, h]) => l < 0 || h < 0)) notes.push('a negative padding crops the image: the first output starts inside it');
    return { imports, code: lines.join('\n'), notes };
  }
  const CV_BORDER = { zeros: 'cv2.BORDER_CONSTANT', reflect: 'cv2.BORDER_REFLECT_101',
    symmetric: 'cv2.BORDER_REFLECT', replicate: 'cv2.BORDER_REPLICATE' };
  function opencvPort(p) {
    const imports = 'import numpy as np\nimport cv2';
    const notes = ['OpenCV filters real arrays (float32/float64)'];
    if (dims === 2) {
      const cand = candidate('corr', null, 'opencv', p.boundary);
      if (samePlan(p, cand)) {
        return { imports, code: `y = cv2.filter2D(np.asarray(x, dtype=np.float64), -1, np.asarray(h, dtype=np.float64), borderType=${CV_BORDER[p.boundary]})`, notes };
      }
    }
    const lines = [];
    const xv = prepareImage(p, 'x', lines);
    let wv = forwardKernel(p, lines);
    wv = dilateKernel(p, wv, lines);
    const one = dims === 1;
    const src = `np.array(${xv}, dtype=np.float64)` + (one ? '[None]' : '');
    const ker = `np.array(${wv}, dtype=np.float64)` + (one ? '[None]' : '');
    lines.push(`full = cv2.filter2D(${src}, -1, ${ker}, anchor=(0, 0), borderType=cv2.BORDER_CONSTANT)`);
    const cuts = p.axes.map((a) => {
      const e = a.stride * (a.count - 1) + 1;
      return a.stride > 1 ? `0:${e}:${a.stride}` : `0:${e}`;
    });
    lines.push(`y = full[${one ? '0, ' : ''}${cuts.join(', ')}]  # the outputs whose window lies in the prepared image`);
    reverseLines(p, lines);
    notes.push('filter2D correlates with the kernel\'s corner as anchor on the prepared image; the outputs past it (which read its zero border) are dropped');
    return { imports, code: lines.join('\n'), notes };
  }
  function matlabRule(rule, t, n) {
    if (rule === 'circular') return `mod(${t}, ${n}) + 1`;
    if (rule === 'replicate') return `min(max(${t}, 0), ${n - 1}) + 1`;
    if (rule === 'reflect') {
      if (n === 1) return `ones(size(${t}))`;
      return `${n - 1} - abs(${n - 1} - mod(${t}, ${2 * n - 2})) + 1`;
    }
    const per = 2 * n;
    return `min(mod(${t}, ${per}), ${per - 1} - mod(${t}, ${per})) + 1`;
  }
  function matlabPort(p) {
    const notes = ['MATLAB code is printed, not run; x and h are MATLAB arrays of the same shapes (indices from 1)'];
    const n = dims;
    const fn = n === 1 ? 'conv' : n === 2 ? 'conv2' : 'convn';
    if (p.boundary === 'zeros' && !inserts(p)) {
      for (const mode of MODES) {
        const cand = candidate('conv', mode, 'matlab');
        if (cand === null) continue;
        if (samePlan(p, cand)) return { imports: '', code: `y = ${fn}(x, h, '${mode}');`, notes };
        if (samePlan(p, toggled(cand)) && n === 2) {
          return { imports: '', code: `y = filter2(h, x, '${mode}');  % a correlation (no conjugation)`, notes };
        }
      }
    }
    const lines = [];
    const col = n === 1 ? ', 1' : '';
    let v = 'x';
    if (inserts(p)) {
      lines.push(`xz = zeros(${p.axes.map((a) => a.inserted).join(', ')}${col});`);
      lines.push('xz(' + p.axes.map((a) => `1:${a.zb}:end`).join(', ') + ') = x;');
      v = 'xz';
    }
    if (p.axes.some((a) => a.lo || a.hi)) {
      if (p.boundary === 'zeros') {
        lines.push(`xp = zeros(${p.axes.map((a) => a.inserted + a.lo + a.hi).join(', ')}${col});`);
        const dst = [], src = [];
        for (const a of p.axes) {
          const first = Math.max(-a.lo, 0);
          const last = a.inserted - Math.max(-a.hi, 0);
          src.push(`${first + 1}:${last}`);
          dst.push(`${Math.max(a.lo, 0) + 1}:${Math.max(a.lo, 0) + last - first}`);
        }
        const whole = p.axes.every((a) => a.lo >= 0 && a.hi >= 0);
        lines.push(`xp(${dst.join(', ')}) = ${v}` + (whole ? '' : `(${src.join(', ')})`) + ';');
      } else {
        p.axes.forEach((a, i) => {
          const shift = a.lo > 0 ? ` - ${a.lo}` : a.lo < 0 ? ` + ${-a.lo}` : '';
          lines.push(`t${i} = (0:${a.inserted + a.lo + a.hi - 1})${shift};`);
          lines.push(`i${i} = ${matlabRule(p.boundary, `t${i}`, a.size)};`);
        });
        const rule = { circular: 'circular', replicate: 'replicate',
          reflect: 'mirrored without repeating the edge',
          symmetric: '\'symmetric\' (the edge repeated)' }[p.boundary];
        lines.push(`xp = ${v}(${p.axes.map((a, i) => `i${i}`).join(', ')});  % padded: ${rule}`);
      }
      v = 'xp';
    }
    let kv = 'h';
    if (p.axes.some((a) => !a.flip)) {
      lines.push(`w = ${kv}(${p.axes.map((a) => (a.flip ? ':' : 'end:-1:1')).join(', ')});  % a correlation: the kernel reversed for ${fn}`);
      kv = 'w';
    }
    if (p.axes.some((a) => a.dilation > 1)) {
      lines.push(`wd = zeros(${p.axes.map((a) => a.spread).join(', ')}${col});`);
      lines.push('wd(' + p.axes.map((a) => `1:${a.dilation}:end`).join(', ') + `) = ${kv};`);
      kv = 'wd';
    }
    lines.push(`y = ${fn}(${v}, ${kv}, 'valid');`);
    if (p.axes.some((a) => a.stride > 1)) lines.push('y = y(' + p.axes.map((a) => `1:${a.stride}:end`).join(', ') + ');');
    p.axes.forEach((a, i) => { if (a.reverse) lines.push(`y = flip(y, ${i + 1});  % the reflected output`); });
    if (n === 1) notes.push('1-D: x and h as column vectors');
    return { imports: '', code: lines.join('\n'), notes };
  }
  const source = (port) => (port.imports + '\n\n' + port.code).trim() + '\n';
  const PRINTERS = { numpy: numpyPort, scipy: scipyPort, torch: (p) => torchPort(rel, p),
    tensorflow: tensorflowPort, jax: jaxPort, opencv: opencvPort, matlab: matlabPort };
  function portOf(lib) {  // {source, notes} of one library for the current settings
    const port = PRINTERS[lib](plan(rel));
    return { source: source(port), notes: port.notes };
  }
  function ports() {  // {library: {source, notes}} for the current settings
    const out = {};
    if (rel) for (const lib of cfg.libraries) out[lib] = portOf(lib);
    return out;
  }
  let library = cfg.libraries.includes('torch') ? 'torch' : cfg.libraries[0];
  function updateCode() {
    const tabs = $('#libraries');
    if (!tabs.children.length) {  // built once: focus stays on a tab when it is chosen
      for (const lib of cfg.libraries) {
        const b = el('button', { type: 'button', role: 'tab', id: `tab-${lib}`,
          'aria-controls': 'code-panel', 'data-library': lib }, lib);
        b.addEventListener('click', () => { library = lib; updateCode(); });
        tabs.appendChild(b);
      }
      tabs.addEventListener('keydown', (ev) => {  // arrow keys move between the tabs
        const step = { ArrowRight: 1, ArrowLeft: -1 }[ev.key];
        if (!step) return;
        ev.preventDefault();
        const n = cfg.libraries.length;
        library = cfg.libraries[(cfg.libraries.indexOf(library) + step + n) % n];
        updateCode();
        $(`#tab-${library}`).focus();
      });
    }
    for (const b of tabs.children) {
      const on = b.dataset.library === library;
      b.setAttribute('aria-selected', String(on));
      b.setAttribute('tabindex', on ? '0' : '-1');
    }
    $('#code-panel').setAttribute('aria-labelledby', `tab-${library}`);
    const code = $('#code');
    const notes = $('#notes');
    code.setAttribute('data-library', library);
    if (!rel) { code.textContent = ''; notes.textContent = ''; return; }
    const port = portOf(library);
    code.textContent = port.source;
    notes.textContent = port.notes.map((n) => 'note: ' + n).join('\n');
  }

  // ---- controls ----------------------------------------------------------------------
  function options(sel, values, current) {
    sel.replaceChildren(...values.map(([v, label]) => {
      const o = el('option', { value: v }, label);
      if (v === current) o.selected = true;
      return o;
    }));
  }
  const uniform = (v) => v.every((x) => x === v[0]);
  function setupControls() {
    const t = OPS[state.op].t;
    options($('#c-op'), Object.keys(OPS).map((o) => [o, o]), state.op);
    const pads = (t ? [] : MODES.map((m) => [m, `${m} (mode)`])).concat(
      [0, 1, 2, 3, 4].map((v) => [String(v), String(v)]));
    if (cfg.padding_choice === 'custom') pads.push(['custom', cfg.padding_pairs.map(([a, b]) => `${a}:${b}`).join(',')]);
    options($('#c-padding'), pads, state.padding);
    options($('#c-mode'), ['zeros', 'circular', 'reflect', 'replicate', 'symmetric'].map((m) => [m, m]), state.paddingMode);
    $('#c-mode').disabled = t;
    // each select offers its range, the request's own value (kept after other changes, so
    // the page can go back to it) and the current one
    const text = (v) => (uniform(v) ? String(v[0]) : v.join(','));
    const perAxis = (id, values, cur, first) => {
      const list = values.map((v) => [String(v), String(v)]);
      for (const extra of [text(first), text(cur)]) {
        if (!list.some(([v]) => v === extra)) list.push([extra, extra]);
      }
      options($(id), list, text(cur));
    };
    perAxis('#c-stride', [1, 2, 3, 4], state.stride, cfg.stride);
    perAxis('#c-dilation', [1, 2, 3], state.dilation, cfg.dilation);
    perAxis('#c-kernel', [1, 2, 3, 4, 5, 6, 7], state.kernel, cfg.kernel);
    perAxis('#c-outpad', [0, 1, 2, 3], state.outputPadding, cfg.output_padding);
    $('#c-outpad').disabled = !t;
  }
  const readAxes = (id) => {
    const v = $(id).value.split(/[,x]/).map((s) => parseInt(s, 10));
    return v.length === dims ? v : cfg.image.map(() => v[0]);
  };
  function onControl() {
    const op = $('#c-op').value;
    const wasT = OPS[state.op].t;
    state.op = op;
    state.padding = $('#c-padding').value;
    state.paddingMode = $('#c-mode').value;
    state.stride = readAxes('#c-stride');
    state.dilation = readAxes('#c-dilation');
    state.kernel = $('#c-kernel').value.includes(',') ? $('#c-kernel').value.split(',').map(Number) : readAxes('#c-kernel');
    state.outputPadding = readAxes('#c-outpad');
    if (OPS[op].t && !wasT) {
      if (MODES.includes(state.padding)) state.padding = '0';
      state.paddingMode = 'zeros';
    }
    if (!OPS[op].t) state.outputPadding = cfg.image.map(() => 0);
    state.at = 0;
    setupControls();
    build();
  }

  // ---- playing -----------------------------------------------------------------------
  let timer = null;
  function play(on) {
    const b = $('#play');
    if (on && !timer && rel) {
      timer = setInterval(() => select((state.at + 1) % outs.length, false), cfg.frame_ms);
    } else if (!on && timer) { clearInterval(timer); timer = null; }
    b.setAttribute('aria-pressed', String(Boolean(timer)));  // the label stays: a toggle
  }

  function keyMove(ev) {
    if (!rel) return;
    const oShape = rel.axes.map((f) => f.count);
    const m = outs[state.at].map((v, a) => v - rel.axes[a].outLo);
    const dir = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[ev.key];
    let pos = m.slice();
    if (dir) {
      // display column and row: axes xy put the first index across, ij down
      const colAxis = dims === 1 || cfg.axes === 'xy' ? 0 : 1;
      const rowAxis = dims === 1 ? null : 1 - colAxis;
      if (dir[0]) pos[colAxis] = Math.max(0, Math.min(oShape[colAxis] - 1, pos[colAxis] + dir[0]));
      if (dir[1] && rowAxis !== null) pos[rowAxis] = Math.max(0, Math.min(oShape[rowAxis] - 1, pos[rowAxis] + dir[1]));
    } else if (ev.key === 'Home') pos = pos.map(() => 0);
    else if (ev.key === 'End') pos = oShape.map((n) => n - 1);
    else return;
    ev.preventDefault();
    let flat = 0;
    pos.forEach((v, a) => { flat = flat * oShape[a] + v; });
    select(flat, true);
  }

  const api = {
    lastMs: 0,
    lastPaintMs: null,
    state: () => JSON.parse(JSON.stringify(state)),
    command, ports,
    outputs: () => outs.map((m) => m.slice()),
    select: (p) => select(p, false),
  };
  window.symconvExplorer = api;

  document.addEventListener('DOMContentLoaded', () => {
    setupControls();
    for (const id of ['#c-op', '#c-padding', '#c-mode', '#c-stride', '#c-dilation', '#c-kernel', '#c-outpad']) {
      $(id).addEventListener('change', onControl);
    }
    const og = $('#output');
    og.addEventListener('click', (ev) => {
      const c = ev.target.closest('[data-output]');
      if (c) {
        play(false);
        select(Number(c.dataset.pos), true);
        // interaction to next paint (as the INP metric): from the event to the frame after
        const t0 = ev.timeStamp;
        requestAnimationFrame(() => setTimeout(() => { api.lastPaintMs = performance.now() - t0; }, 0));
      }
    });
    og.addEventListener('mouseover', (ev) => {
      const c = ev.target.closest('[data-output]');
      if (c && !timer) select(Number(c.dataset.pos), false);
    });
    og.addEventListener('keydown', keyMove);
    $('#step').addEventListener('input', () => { play(false); select(Number($('#step').value), false); });
    $('#play').addEventListener('click', () => play(!timer));
    build();
    document.body.setAttribute('data-ready', 'true');
  });
})();
