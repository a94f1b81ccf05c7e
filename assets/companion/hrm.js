/* The companion's model: the key→door world (model/world.py) and the trained HRM, TRM and flat baseline run in the
 * page from the weights pipeline/weights.py exports. The forward pass follows model/hrm.py, model/trm.py and
 * model/flat.py step by step in float32: sums are taken in double, and every value kept is rounded to float32 (by a
 * Float32Array store or Math.fround) where PyTorch rounds it. tests/test_companion_model.py checks it against PyTorch
 * on every state of every checkpoint. A plain script: it defines the global HRM, and is module.exports under node. */
var HRM = (function () {
  "use strict";

  const ACTIONS = ["left", "right", "pick", "open"];
  const SUBGOALS = ["go_to_key", "go_to_door", "open_door"];
  const [LEFT, RIGHT, PICK, OPEN] = [0, 1, 2, 3];
  const [GO_TO_KEY, GO_TO_DOOR, OPEN_DOOR] = [0, 1, 2];
  const FEATURES = 5;                                    // model/data.py: agent, key, door, holding, memory
  const [AGENT, KEY, DOOR, HOLDING, MEMORY] = [0, 1, 2, 3, 4];
  const RMS_EPS = 2 ** -23;                              // F.rms_norm(eps=None) adds torch.finfo(float32).eps

  // ---------------------------------------------------------------- the world (model/world.py)

  function layout(agent, key, door, nCells) {
    const cells = [agent, key, door];
    if (!Number.isInteger(nCells) || new Set(cells).size !== 3 ||
        !cells.every((c) => Number.isInteger(c) && c >= 0 && c < nCells)) {
      throw new Error(`invalid layout: agent ${agent}, key ${key}, door ${door} on ${nCells} cells`);
    }
    return Object.freeze({ agent, key, door, n_cells: nCells });
  }

  /** The same puzzle in a mirror: cell i becomes cell n-1-i, so the door moves to the other end. */
  function mirrored(lay) {
    const last = lay.n_cells - 1;
    return layout(last - lay.agent, last - lay.key, last - lay.door, lay.n_cells);
  }

  function optimalSteps(lay) {   // walk to the key, pick, walk to the door, open
    return Math.abs(lay.agent - lay.key) + 1 + Math.abs(lay.door - lay.key) + 1;
  }

  function start(lay) {
    return Object.freeze({ layout: lay, agent: lay.agent, holding_key: false });
  }

  /** One action: {state after it, event, done}. Every action costs a step, even one that changes nothing. */
  function step(state, action) {
    const lay = state.layout;
    const moved = (changes, event, done = false) =>
      ({ state: Object.freeze({ ...state, ...changes }), event, done });
    if (action === LEFT || action === RIGHT) {
      const target = state.agent + (action === RIGHT ? 1 : -1);
      return target < 0 || target >= lay.n_cells ? moved({}, "bumped") : moved({ agent: target }, "moved");
    }
    if (action === PICK) {
      return state.agent === lay.key && !state.holding_key ? moved({ holding_key: true }, "picked")
        : moved({}, "pick_failed");
    }
    if (action === OPEN) {
      return state.agent === lay.door && state.holding_key ? moved({}, "opened", true) : moved({}, "locked");
    }
    throw new Error(`unknown action ${action}`);
  }

  function oracleSubgoal(state) {
    if (!state.holding_key) return GO_TO_KEY;
    return state.agent === state.layout.door ? OPEN_DOOR : GO_TO_DOOR;
  }

  function oracleAction(state) {
    const goal = oracleSubgoal(state), lay = state.layout;
    const toward = (target) => (target > state.agent ? RIGHT : LEFT);
    if (goal === GO_TO_KEY) return state.agent === lay.key ? PICK : toward(lay.key);
    return goal === GO_TO_DOOR ? toward(lay.door) : OPEN;
  }

  /** (N+1) × 5 input tokens (model/data.py encode): token 0 is the memory chip, tokens 1..N the cells; the holding
   * bit is on every token, and the key leaves the row once it is held. */
  function encode(state) {
    const lay = state.layout, T = lay.n_cells + 1, x = new Float32Array(T * FEATURES);
    x[MEMORY] = 1;
    for (let t = 0; t < T; t++) x[t * FEATURES + HOLDING] = state.holding_key ? 1 : 0;
    x[(1 + state.agent) * FEATURES + AGENT] = 1;
    x[(1 + lay.door) * FEATURES + DOOR] = 1;
    if (!state.holding_key) x[(1 + lay.key) * FEATURES + KEY] = 1;
    return x;
  }

  // ---------------------------------------------------------------- float32 building blocks

  const f32 = Math.fround;

  function decode(base64) {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)), view = new DataView(bytes.buffer);
    const out = new Float32Array(bytes.length / 4);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(4 * i, true);   // little-endian, row-major
    return out;
  }

  /** out = W v (+ b) for W (rows × n) and v read from `v` at `at`. Sums in double; the Float32Array store rounds. */
  function linear(W, b, v, at, rows, n, out = new Float32Array(rows)) {
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let k = 0, w = r * n; k < n; k++) s += W[w + k] * v[at + k];
      out[r] = b ? f32(s) + b[r] : s;
    }
    return out;
  }

  /** Parameter-free RMSNorm of every token: x / sqrt(mean(x²) + eps). */
  function rmsNorm(x, T, d) {
    for (let t = 0, o = 0; t < T; t++, o += d) {
      let ss = 0;
      for (let c = 0; c < d; c++) ss += x[o + c] * x[o + c];
      const scale = f32(1 / Math.sqrt(f32(f32(ss) / d) + RMS_EPS));
      for (let c = 0; c < d; c++) x[o + c] *= scale;
    }
    return x;
  }

  function softmax(logits) {
    const top = Math.max(...logits), e = Array.from(logits, (l) => f32(Math.exp(f32(l - top))));
    const sum = f32(e.reduce((a, b) => a + b, 0));
    return e.map((v) => f32(v / sum));
  }

  const isSubgoal = (goal) => Number.isInteger(goal) && goal >= 0 && goal < SUBGOALS.length;

  function argmax(values) {   // the first of equal maxima, as torch.argmax
    let best = 0;
    for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
    return best;
  }

  /** a + b (+ c (+ d)) element by element, each addition rounded to float32, left to right as PyTorch adds. */
  function add(...terms) {
    const out = new Float32Array(terms[0].length);
    for (let i = 0; i < out.length; i++) {
      let s = terms[0][i];
      for (let k = 1; k < terms.length; k++) s = f32(s + terms[k][i]);
      out[i] = s;
    }
    return out;
  }

  /** model/hrm.py Block: x = norm(x + mix(x)); x = norm(x + down(silu(gate x) · value x)). Channel c of group g
   * gathers from token j into token i with the weight offsets[g][j - i + T - 1]: relative positions only. */
  function makeBlock(w, prefix, T, d, groups) {
    const offsets = w[prefix + "offsets"], width = 2 * T - 1, mix = new Float32Array(groups * T * T);
    for (let g = 0; g < groups; g++) {   // mix[g][i][j] = offsets[g][j - i + T - 1], built once
      for (let i = 0; i < T; i++) {
        for (let j = 0; j < T; j++) mix[(g * T + i) * T + j] = offsets[g * width + j - i + T - 1];
      }
    }
    const gate = w[prefix + "gate.weight"], value = w[prefix + "value.weight"], down = w[prefix + "down.weight"];
    const hidden = gate.length / d, groupSize = d / groups;
    const h = new Float32Array(hidden), gated = new Float32Array(hidden), valued = new Float32Array(hidden);
    return function block(x) {
      const y = new Float32Array(T * d);
      for (let i = 0; i < T; i++) {
        for (let c = 0; c < d; c++) {
          const row = (Math.floor(c / groupSize) * T + i) * T;
          let s = 0;
          for (let j = 0; j < T; j++) s += mix[row + j] * x[j * d + c];
          y[i * d + c] = x[i * d + c] + f32(s);
        }
      }
      rmsNorm(y, T, d);
      const out = new Float32Array(T * d), mlp = new Float32Array(d);
      for (let t = 0, o = 0; t < T; t++, o += d) {
        linear(gate, null, y, o, hidden, d, gated);
        linear(value, null, y, o, hidden, d, valued);
        for (let k = 0; k < hidden; k++) h[k] = f32(gated[k] / (1 + Math.exp(-gated[k]))) * valued[k];   // SwiGLU
        linear(down, null, h, 0, d, hidden, mlp);
        for (let c = 0; c < d; c++) out[o + c] = y[o + c] + mlp[c];
      }
      return rmsNorm(out, T, d);
    };
  }

  // ---------------------------------------------------------------- the three architectures

  function blockTensors(prefix, T, d, c) {
    const wide = c.expansion * d;
    return { [prefix + "offsets"]: [c.groups, 2 * T - 1], [prefix + "gate.weight"]: [wide, d],
      [prefix + "value.weight"]: [wide, d], [prefix + "down.weight"]: [d, wide] };
  }

  function shared(T, d) {   // Embedding and Readout, in every kind
    return {
      "embed.features.weight": [d, FEATURES], "embed.features.bias": [d],
      "readout.planner.weight": [SUBGOALS.length, d], "readout.planner.bias": [SUBGOALS.length],
      "readout.doer.weight": [ACTIONS.length, d], "readout.doer.bias": [ACTIONS.length],
    };
  }

  const twoBlockTensors = (T, d, c) => ({ ...blockTensors("net.0.", T, d, c), ...blockTensors("net.1.", T, d, c) });

  // Per kind: the tensors it needs (name → shape) and how it runs. `segment(carry, inp, at, told)` is one ACT segment
  // on the embedded input: it returns the new carry, the sub-goal and action logits (both heads read the agent's
  // cell, whose first float is `at`) and whether ACT halts there (model/rollout.py wants_to_halt; the halting head
  // reads the memory token, token 0).
  const KINDS = {
    hrm: {
      tensors: (T, d, c) => ({ ...shared(T, d), ...blockTensors("H.", T, d, c), ...blockTensors("L.", T, d, c),
        "q_head.weight": [2, d], "q_head.bias": [2], "goal_embed.weight": [d, SUBGOALS.length], z_H0: [d], z_L0: [d] }),
      build(w, T, d, c, heads) {
        const H = makeBlock(w, "H.", T, d, c.groups), L = makeBlock(w, "L.", T, d, c.groups);
        // The sub-goal the Doer is handed. The Planner's is straight-through: its value is one_hot(argmax p) + p - p,
        // the one-hot up to float32 rounding (the softmax only matters to the gradient); a told one is exact.
        const handed = (logits, told) => {
          if (told !== null) return SUBGOALS.map((_, k) => (k === told ? 1 : 0));
          const p = softmax(logits), top = argmax(p);
          return p.map((pk, k) => f32(f32((k === top ? 1 : 0) + pk) - pk));
        };
        return {
          initial: () => [broadcast(w.z_H0, T), broadcast(w.z_L0, T)],
          segment([zH, zL], inp, at, told) {   // h_cycles × (one Planner update, then l_cycles Doer updates)
            let planner;
            for (let h = 0; h < c.h_cycles; h++) {
              zH = H(add(zH, zL));                           // the Planner sees only the Doer
              planner = heads.planner(zH, at);
              const goal = broadcast(linear(w["goal_embed.weight"], null, handed(planner, told), 0, d, 3), T);
              for (let l = 0; l < c.l_cycles; l++) zL = L(add(zL, zH, goal, inp));   // the Doer sees everything
            }
            const q = heads.q(zH, 0);
            return { carry: [zH, zL], planner, doer: heads.doer(zL, at), halt: q[0] > q[1] };
          },
        };
      },
    },
    trm: {
      tensors: (T, d, c) => ({ ...shared(T, d), ...twoBlockTensors(T, d, c), "q_head.weight": [1, d],
        "q_head.bias": [1], y0: [d], z0: [d] }),
      build(w, T, d, c, heads) {
        const net = twoBlocks(w, T, d, c.groups);
        return {
          initial: () => [broadcast(w.y0, T), broadcast(w.z0, T)],
          segment([y, z], inp, at) {   // h_cycles × (l_cycles × z ← net(x + y + z), then y ← net(y + z))
            for (let h = 0; h < c.h_cycles; h++) {
              for (let l = 0; l < c.l_cycles; l++) z = net(add(inp, y, z));
              y = net(add(y, z));
            }
            const halt = heads.q(y, 0)[0] > 0;
            return { carry: [y, z], planner: heads.planner(y, at), doer: heads.doer(y, at), halt };
          },
        };
      },
    },
    flat: {
      tensors: (T, d, c) => ({ ...shared(T, d), ...twoBlockTensors(T, d, c) }),
      build(w, T, d, c, heads) {
        const net = twoBlocks(w, T, d, c.groups);
        return {
          initial: () => null,
          segment(_, inp, at) {   // the two blocks once; nothing to halt
            const h = net(inp);
            return { carry: null, planner: heads.planner(h, at), doer: heads.doer(h, at), halt: true };
          },
        };
      },
    },
  };

  function twoBlocks(w, T, d, groups) {
    const first = makeBlock(w, "net.0.", T, d, groups), second = makeBlock(w, "net.1.", T, d, groups);
    return (x) => second(first(x));
  }

  function broadcast(vector, T) {   // one vector on every token
    const out = new Float32Array(T * vector.length);
    for (let t = 0; t < T; t++) out.set(vector, t * vector.length);
    return out;
  }

  const CONFIG = ["hidden", "groups", "expansion", "h_cycles", "l_cycles", "halt_max_steps"];

  /** A model from a spec of pipeline/weights.py: checks every tensor's name and shape, decodes the weights once. */
  function load(spec) {
    const kind = KINDS[spec.kind];
    if (!kind) throw new Error(`unknown model kind "${spec.kind}" (known: ${Object.keys(KINDS).join(", ")})`);
    const c = spec.config, T = spec.n_cells + 1, d = c.hidden;
    const unknownConfig = Object.keys(c).filter((k) => !CONFIG.includes(k));
    const missingConfig = CONFIG.filter((k) => !(Number.isInteger(c[k]) && c[k] > 0));
    if (unknownConfig.length || missingConfig.length) {
      throw new Error(`bad ${spec.kind} config: unknown [${unknownConfig}], missing [${missingConfig}]`);
    }
    const shapes = kind.tensors(T, d, c), w = {};
    for (const name of Object.keys(spec.weights)) {
      if (!(name in shapes)) throw new Error(`unknown tensor "${name}" in a ${spec.kind} spec`);
    }
    for (const [name, shape] of Object.entries(shapes)) {
      const tensor = spec.weights[name];
      if (!tensor) throw new Error(`missing tensor "${name}" in a ${spec.kind} spec`);
      if (tensor.shape.join() !== shape.join()) {
        throw new Error(`tensor "${name}" has shape [${tensor.shape}], not [${shape}]`);
      }
      w[name] = decode(tensor.data);
    }
    const scale = f32(Math.sqrt(d));   // Embedding: sqrt(d) · (W x + b), not drowned by the unit-RMS latents
    const embed = (x) => {
      const out = new Float32Array(T * d), W = w["embed.features.weight"], b = w["embed.features.bias"];
      for (let t = 0; t < T; t++) linear(W, b, x, t * FEATURES, d, FEATURES, out.subarray(t * d));
      return out.map((v) => v * scale);
    };
    const head = (name, rows) => (z, at) => linear(w[name + ".weight"], w[name + ".bias"], z, at, rows, d);
    const heads = { planner: head("readout.planner", SUBGOALS.length), doer: head("readout.doer", ACTIONS.length),
      q: shapes["q_head.weight"] && head("q_head", shapes["q_head.weight"][0]) };
    const net = kind.build(w, T, d, c, heads);
    const memo = new Map();

    /** model/rollout.py decide for one state: think up to halt_max_steps segments, keeping the outputs of the one
     * where ACT halted. `told` (a sub-goal index) hands the HRM's Doer that sub-goal in every Planner update.
     * Memoised per state: inference is deterministic, and where the agent started is not part of the state. */
    function decide(state, told = null) {
      const lay = state.layout;
      if (lay.n_cells !== spec.n_cells) throw new Error(`a ${spec.n_cells}-cell model got ${lay.n_cells} cells`);
      if (told !== null && spec.kind !== "hrm") throw new Error(`a ${spec.kind} model takes no sub-goal`);
      if (told !== null && !isSubgoal(told)) throw new Error(`unknown sub-goal ${told}`);
      const id = `${lay.key},${lay.door},${state.agent},${state.holding_key},${told}`;
      if (!memo.has(id)) {
        const inp = embed(encode(state)), at = (1 + state.agent) * d;
        let carry = net.initial(), decision = null;
        for (let m = 1; decision === null; m++) {
          const out = net.segment(carry, inp, at, told);
          carry = out.carry;
          if (out.halt || m === c.halt_max_steps) {   // keep the outputs of the segment that halted
            decision = { planner: Object.freeze(softmax(out.planner)), doer: Object.freeze(softmax(out.doer)),
              segments: m };
          }
        }
        memo.set(id, Object.freeze(decision));
      }
      return memo.get(id);
    }
    return Object.freeze({ kind: spec.kind, nCells: spec.n_cells, decide });
  }

  // ---------------------------------------------------------------- episodes and their score (model/rollout.py)

  /** Play one layout to the end or to maxSteps, as run_episodes(detail=True): greedy, or with `random` the Doer
   * samples its action. The sub-goal recorded is the one the Doer was handed: the Planner's argmax, or the
   * intervention's on steps first ≤ i < last. Probabilities are kept unrounded. */
  function episode(model, lay, options = {}) {
    const { maxSteps, intervention = null, random = null, ...unknown } = options;
    if (Object.keys(unknown).length) throw new Error(`unknown episode option(s): ${Object.keys(unknown)}`);
    if (!(Number.isInteger(maxSteps) && maxSteps > 0)) throw new Error(`maxSteps is not a count: ${maxSteps}`);
    const { goal, first, last } = intervention || {};
    if (intervention && !(isSubgoal(goal) && Number.isInteger(first) && Number.isInteger(last))) {
      throw new Error("an intervention is {goal, first, last}: a sub-goal index and two step indices");
    }
    let state = start(lay), success = false;
    const steps = [];
    for (let i = 0; i < maxSteps && !success; i++) {
      const told = intervention && first <= i && i < last ? goal : null;
      const d = model.decide(state, told);
      const action = random ? sample(d.doer, random()) : argmax(d.doer);
      const result = step(state, action);
      steps.push({ agent: state.agent, holding_key: state.holding_key,
        subgoal: SUBGOALS[told === null ? argmax(d.planner) : told], action: ACTIONS[action], event: result.event,
        planner_probs: d.planner, doer_probs: d.doer, act_segments: d.segments, told: told !== null });
      state = result.state;
      success = result.done;
    }
    return { layout: [lay.agent, lay.key, lay.door], optimal_steps: optimalSteps(lay), success,
      n_steps: steps.length, steps };
  }

  function sample(probs, u) {   // inverse CDF; a u past the rounded total falls on the last possible action
    let total = 0, last = 0;
    for (let i = 0; i < probs.length; i++) {
      if (probs[i] <= 0) continue;
      total += probs[i];
      last = i;
      if (u < total) return i;
    }
    return last;
  }

  /** Success rate; mean steps (a failure counts all its steps) beside the optimum; efficiency = optimal / taken. */
  function score(episodes) {
    const n = episodes.length;
    if (!n) throw new Error("no episodes to score");
    const taken = episodes.reduce((s, e) => s + e.n_steps, 0) / n;
    const optimal = episodes.reduce((s, e) => s + e.optimal_steps, 0) / n;
    const solved = episodes.filter((e) => e.success).length;
    return { success: solved / n, solved, mean_steps: taken, optimal_mean_steps: optimal,
      efficiency: optimal / taken };
  }

  /** mulberry32: a small, fast, deterministic PRNG in [0, 1), so a seeded replay is the same on every machine. */
  function seededRandom(seed) {
    if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, not ${seed}`);
    let a = seed >>> 0;
    return function random() {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = Math.imul(a ^ (a >>> 15), a | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  return Object.freeze({ ACTIONS, SUBGOALS, layout, mirrored, optimalSteps, start, step, oracleSubgoal, oracleAction,
    load, episode, score, seededRandom });
})();

if (typeof module !== "undefined" && module.exports) module.exports = HRM;
