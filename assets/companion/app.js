/* The companion page: five views over one recorded run (data: pipeline/companion.py), driven by the real model
   (global HRM, from hrm.js). One state object, mirrored in the URL fragment, and a render() that draws the active
   view from it. Plain script, no build step. */
(function () {
  "use strict";

  const DATA = JSON.parse(document.getElementById("hrm-data").textContent);
  const N = DATA.n_cells, MAX_STEPS = DATA.max_steps;
  const VIEWS = ["tutorial", "play", "training", "compare", "metrics"];
  const STEP_MS = 420;            // one step of the agent, as in the film (0.3–0.5 s)
  const SNAPSHOT_MS = 900;        // one snapshot while "Play training" runs
  const TOLERANCE = 1e-4;         // live vs recorded metrics (the recording rounds to 5 decimals)
  const SUBGOALS = HRM.SUBGOALS, ACTIONS = HRM.ACTIONS;
  const ARROW = { left: "←", right: "→", pick: "pick", open: "open" };

  // --- small helpers ------------------------------------------------------------------------------------------------

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "html") node.innerHTML = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : v);
    }
    node.append(...children);
    return node;
  }
  const $ = (id) => document.getElementById(id);
  /* A probability as the film writes it; never "100 %" for less than certain, nor "0 %" for more than nothing. */
  const pct = (p, digits = 1) => {
    const s = (100 * p).toFixed(digits), unit = 0.1 ** digits;
    if (p > 0 && Number(s) === 0) return `<${unit.toFixed(digits)} %`;
    if (p < 1 && Number(s) === 100) return `>${(100 - unit).toFixed(digits)} %`;
    return `${s} %`;
  };
  const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const argmax = (v) => v.indexOf(Math.max(...v));
  const top = (probs) => pct(Math.max(...probs));
  const layoutId = (l) => `${l.agent}-${l.key}-${l.door}`;
  const fromList = ([a, k, d]) => HRM.layout(a, k, d, N);
  const motionReduced = () => document.documentElement.dataset.motion === "reduced";

  // --- models, layouts and episodes ---------------------------------------------------------------------------------

  /* Every model the page can run, by checkpoint stem: the trained variants, then the followed run's snapshots. */
  const CATALOGUE = new Map();
  for (const v of DATA.variants) {
    CATALOGUE.set(v.model, { label: v.label, group: "Trained models", policy: "greedy", metrics: v.metrics });
  }
  for (const s of DATA.snapshots) {
    if (s.policy !== "greedy" && s.policy !== "sample") {
      throw new Error(`snapshot ${s.index}: unknown policy '${s.policy}' (known: greedy, sample)`);
    }
    CATALOGUE.set(s.model, { label: `HRM · ${s.label}`, group: "Training snapshots", policy: s.policy,
                             metrics: s.metrics });
  }
  const loaded = new Map();
  function model(stem) {
    if (!CATALOGUE.has(stem)) throw new Error(`unknown model '${stem}' (known: ${[...CATALOGUE.keys()].join(", ")})`);
    if (!loaded.has(stem)) loaded.set(stem, HRM.load(DATA.models[stem]));
    return loaded.get(stem);
  }
  const kindOf = (stem) => DATA.models[stem].kind;
  const haltMax = (stem) => DATA.models[stem].config.halt_max_steps;

  const TRAIN = new Set(DATA.layouts.train.map((l) => l.join("-")));
  const HELDOUT = new Set(DATA.layouts.heldout.map((l) => l.join("-")));
  /* Where a layout stands in this run: a demonstration, held out, or a mirrored row (door on the left), whose
     mirror is either (demonstrations were also trained on mirrored). */
  function layoutKind(l) {
    const mirrored = l.door !== N - 1, id = layoutId(mirrored ? HRM.mirrored(l) : l), seen = TRAIN.has(id);
    if (!seen && !HELDOUT.has(id)) throw new Error(`layout ${layoutId(l)} is neither a demonstration nor held out`);
    if (!mirrored) {
      return seen ? { cls: "train", text: "seen in training", title: "one of the demonstrations" }
        : { cls: "heldout", text: "held-out", title: "never shown in training" };
    }
    return seen ? { cls: "mirrored", text: "mirrored · seen in training",
                    title: "the mirror of a demonstration (trained on: demonstrations are mirrored)" }
      : { cls: "mirrored", text: "mirrored · never seen", title: "the mirror of a held-out layout" };
  }

  /* Sampling snapshots draw from the Doer's probabilities with a seed made of the settings' seed, the layout and the
     try, so a link replays the same walk. */
  const sampleSeed = (l, attempt) =>
    [l.agent, l.key, l.door, attempt].reduce((h, x) => (Math.imul(h, 31) + x) >>> 0, DATA.seed >>> 0);

  const episodeCache = new Map();
  /* The model's episode on a layout (HRM.episode), with the world before every step and after the last. */
  function episode(stem, l, told = null, attempt = 0) {
    const id = `${stem}|${layoutId(l)}|${told ? `${told.goal}.${told.first}.${told.last}` : ""}|${attempt}`;
    if (!episodeCache.has(id)) {
      const sampled = CATALOGUE.get(stem).policy === "sample", seed = sampled ? sampleSeed(l, attempt) : null;
      const ep = HRM.episode(model(stem), l, { maxSteps: MAX_STEPS, intervention: told,
                                               random: sampled ? HRM.seededRandom(seed) : null });
      let world = HRM.start(l);
      const frames = [{ agent: world.agent, holding: world.holding_key, opened: false }];
      for (const s of ep.steps) {
        const result = HRM.step(world, ACTIONS.indexOf(s.action));
        if (result.event !== s.event) throw new Error(`${stem} on ${layoutId(l)}: replay differs at ${frames.length}`);
        world = result.state;
        frames.push({ agent: world.agent, holding: world.holding_key, opened: result.done });
      }
      episodeCache.set(id, { ...ep, frames, seed });
    }
    return episodeCache.get(id);
  }

  /* Held-out success of a model computed here (greedy: one episode per layout; sampling: sampled_tries each). */
  const triesOf = (stem) => (CATALOGUE.get(stem).policy === "sample" ? DATA.sampled_tries : 1);
  const heldoutCache = new Map();
  function heldoutScore(stem) {
    if (!heldoutCache.has(stem)) {
      const eps = DATA.layouts.heldout.map(fromList)
        .flatMap((l) => Array.from({ length: triesOf(stem) }, (_, t) => episode(stem, l, null, t)));
      heldoutCache.set(stem, HRM.score(eps));
    }
    return heldoutCache.get(stem);
  }

  // --- state and the URL fragment -----------------------------------------------------------------------------------

  const showcase = DATA.layouts.showcase.map((s) => ({ layout: fromList(s.layout), inTrain: s.in_train }));
  const FINAL = DATA.variants[0].model;
  const state = { view: "tutorial", layout: showcase[0].layout, model: FINAL, snapshot: DATA.snapshots.length - 1,
                  step: 0, told: null, chapter: 1, theme: null, motion: null };

  function fragment() {
    const p = new URLSearchParams();
    p.set("view", state.view);
    p.set("layout", layoutId(state.layout));
    p.set("model", state.model);
    p.set("snapshot", String(state.snapshot));
    p.set("step", String(state.step));
    if (state.view === "tutorial") p.set("chapter", String(state.chapter));
    if (state.told) p.set("told", `${SUBGOALS[state.told.goal]}.${state.told.first}.${state.told.last}`);
    if (state.theme) p.set("theme", state.theme);
    if (state.motion) p.set("motion", state.motion);
    return p.toString();
  }

  function integer(text, what, low, high) {
    const v = Number(text);
    if (!Number.isInteger(v) || v < low || v > high) {
      throw new Error(`${what} '${text}' must be a whole number from ${low} to ${high}`);
    }
    return v;
  }
  function oneOf(value, what, known) {
    if (!known.includes(value)) throw new Error(`unknown ${what} '${value}' (known: ${known.join(", ")})`);
    return value;
  }

  /* The state a link names; anything unknown is an error naming it, never a silent default. */
  function parseFragment(hash) {
    const next = { ...state, told: null, chapter: 1, step: 0 };
    for (const [k, v] of new URLSearchParams(hash.replace(/^#/, ""))) {
      if (k === "view") next.view = oneOf(v, "view", VIEWS);
      else if (k === "layout") {
        const cells = v.split("-").map((x) => integer(x, "layout cell", 0, N - 1));
        if (cells.length !== 3) throw new Error(`layout '${v}' must be agent-key-door`);
        if (cells[2] !== 0 && cells[2] !== N - 1) throw new Error(`layout '${v}': the door must be at an end`);
        next.layout = fromList(cells);
      } else if (k === "model") {
        model(v);
        next.model = v;
      } else if (k === "snapshot") next.snapshot = integer(v, "snapshot", 0, DATA.snapshots.length - 1);
      else if (k === "step") next.step = integer(v, "step", 0, MAX_STEPS);
      else if (k === "chapter") next.chapter = integer(v, "chapter", 1, CHAPTERS.length);
      else if (k === "told") {
        const [goal, first, last] = v.split(".");
        next.told = { goal: SUBGOALS.indexOf(oneOf(goal, "sub-goal", SUBGOALS)),
                      first: integer(first, "told from", 0, MAX_STEPS),
                      last: integer(last, "told until", 0, MAX_STEPS) };
      } else if (k === "theme") next.theme = oneOf(v, "theme", ["dark", "high_contrast"]);
      else if (k === "motion") next.motion = oneOf(v, "motion", ["full", "reduced"]);
      else throw new Error(`unknown key '${k}' in the link`);
    }
    if (next.told && kindOf(next.model) !== "hrm") throw new Error(`${next.model} has no sub-goal input to tell`);
    return next;
  }

  function applyFragment() {
    stopRunning();
    const banner = $("banner");
    try {
      Object.assign(state, parseFragment(location.hash));
      banner.hidden = true;
    } catch (err) {
      banner.textContent = `This link could not be followed: ${err.message}.`;
      banner.hidden = false;
      console.error(err);
    }
    applyAppearance();
    render();
    // a tutorial link without a step plays its chapter, as the Next button would
    if (state.view === "tutorial" && !new URLSearchParams(location.hash.slice(1)).has("step")) tour.go(state.chapter);
  }

  let lastWritten = null;
  function commit() {
    lastWritten = `#${fragment()}`;
    if (location.hash !== lastWritten) history.replaceState(null, "", lastWritten);
    render();
  }
  function set(patch) {
    Object.assign(state, patch);
    commit();
  }

  // --- appearance: theme and motion ---------------------------------------------------------------------------------

  const prefersContrast = matchMedia("(prefers-contrast: more)");
  const prefersReduced = matchMedia("(prefers-reduced-motion: reduce)");
  /* The viewer's toggle wins; otherwise the system preference, otherwise the settings' default. */
  function applyAppearance() {
    const theme = state.theme || (prefersContrast.matches ? "high_contrast" : DATA.theme);
    const motion = state.motion || (prefersReduced.matches || DATA.reduced_motion ? "reduced" : "full");
    document.documentElement.dataset.theme = theme;
    document.documentElement.dataset.motion = motion;
    $("toggle-contrast").setAttribute("aria-pressed", String(theme === "high_contrast"));
    $("toggle-motion").setAttribute("aria-pressed", String(motion === "reduced"));
  }
  prefersContrast.addEventListener("change", applyAppearance);
  prefersReduced.addEventListener("change", applyAppearance);
  $("toggle-contrast").addEventListener("click", () => {
    state.theme = document.documentElement.dataset.theme === "high_contrast" ? "dark" : "high_contrast";
    applyAppearance();
    commit();
  });
  $("toggle-motion").addEventListener("click", () => {
    state.motion = motionReduced() ? "full" : "reduced";
    applyAppearance();
    commit();
  });

  // --- keyboard: roving focus in a row of buttons -------------------------------------------------------------------

  /* Arrow keys (and Home/End) move focus along `items`; one of them is in the tab order. `select` runs for
     radio-like rows, where moving is choosing. */
  function roving(items, select = null) {
    items.forEach((item, i) => item.addEventListener("keydown", (e) => {
      const j = { ArrowLeft: i - 1, ArrowRight: i + 1, Home: 0, End: items.length - 1 }[e.key];
      if (j === undefined) return;
      e.preventDefault();
      const next = (j + items.length) % items.length;
      items[next].focus();
      if (select) select(next);
    }));
  }
  function focusable(items, index) {
    items.forEach((item, i) => { item.tabIndex = i === index ? 0 : -1; });
  }

  /* A row of radio buttons from [{value, label, title}]; update(value, disabled) marks the chosen one. */
  function segmented(host, options, onChoose) {
    const buttons = options.map((o) => el("button", { role: "radio", class: "seg", title: o.title,
                                                       onclick: () => onChoose(o.value) }, o.label));
    host.replaceChildren(...buttons);
    roving(buttons, (j) => onChoose(options[j].value));
    return {
      /* `disabled`: true for all, or a test of each option's value. */
      update(value, disabled = false) {
        const index = options.findIndex((o) => o.value === value);
        buttons.forEach((b, i) => {
          b.setAttribute("aria-checked", String(i === index));
          b.disabled = typeof disabled === "function" ? disabled(options[i].value) : disabled;
        });
        focusable(buttons, Math.max(index, 0));
      },
    };
  }

  // --- drawing: icons, the track, the Planner/Doer panel ------------------------------------------------------------

  // The film's icons (scenes/icons.py) on a 40-unit grid: a round head over rounded shoulders; a key lying on its
  // side, ring, shaft and two teeth; a door with a keyhole, which opens to a green leaf on a dark doorway.
  const ICONS = {
    agent: '<svg viewBox="0 0 40 40"><circle cx="20" cy="11.5" r="7" class="fill-agent"/>' +
           '<rect x="9" y="20.5" width="22" height="15" rx="7.5" class="fill-agent"/></svg>',
    key: '<svg viewBox="0 0 40 40"><g class="stroke-key" fill="none" stroke-width="4.2" stroke-linecap="square">' +
         '<circle cx="11" cy="20" r="5.6"/><path d="M16.6 20H34M33 20v5.5M27.5 20v4.5"/></g></svg>',
    door: '<svg viewBox="0 0 40 40"><rect class="door-frame" x="9" y="4" width="22" height="32" rx="3"/>' +
          '<g class="door-hole"><circle cx="24.5" cy="19" r="2.3"/><path d="M23.3 19.5h2.4l1 6h-4.4z"/></g>' +
          '<rect class="door-leaf" x="9" y="4" width="6.5" height="32" rx="2"/></svg>',
  };

  function cellLabel(i, l, frame, placing) {
    const what = [i === frame.agent && "agent", i === l.key && !frame.holding && "key",
                  i === l.door && (frame.opened ? "open door" : "door")].filter(Boolean);
    return `cell ${i}${what.length ? `: ${what.join(", ")}` : ""}` +
           (placing && i !== l.door ? ` (click to place the ${placing} here)` : "");
  }

  /* The row of cells with agent, key and door on top; `onCell(i)` makes the cells buttons (free play). */
  function makeTrack(host, { onCell = null, label = "The row", compact = false } = {}) {
    const cells = Array.from({ length: N }, (_, i) => el(onCell ? "button" : "div", {
      class: "cell", "data-cell": String(i), onclick: onCell ? () => onCell(i) : null }));
    const token = (name) => el("div", { class: `token ${name}`, html: ICONS[name], "aria-hidden": "true" });
    const door = token("door"), key = token("key"), agent = token("agent");
    const row = el("div", { class: "cells", role: onCell ? "group" : null, "aria-label": onCell ? label : null },
                   ...cells, door, key, agent);
    const numbers = el("div", { class: "numbers", "aria-hidden": "true" },
                       ...cells.map((_, i) => el("span", {}, String(i))));
    host.replaceChildren(el("div", { class: `track${compact ? " compact" : ""}`, style: `--n:${N}` }, row, numbers));
    let focusIndex = null;
    if (onCell) {
      roving(cells);
      cells.forEach((c, i) => c.addEventListener("focus", () => { focusIndex = i; }));
    }
    return {
      update(l, frame, { placing = null } = {}) {
        door.style.setProperty("--i", l.door);
        agent.style.setProperty("--i", frame.agent);
        key.style.setProperty("--i", frame.holding ? frame.agent : l.key);
        key.classList.toggle("held", frame.holding);
        key.classList.toggle("under", !frame.holding && frame.agent === l.key);
        door.classList.toggle("open", frame.opened);
        cells.forEach((c, i) => {
          c.setAttribute("aria-label", cellLabel(i, l, frame, onCell && placing));
          c.classList.toggle("placeable", Boolean(onCell) && i !== l.door);
          c.classList.toggle("opened", frame.opened && i === l.door);
        });
        if (onCell) focusable(cells, focusIndex ?? frame.agent);
      },
    };
  }

  function bars(names, cls) {
    const rows = names.map((name) => {
      const fill = el("span", { class: `fill ${cls}` }), value = el("span", { class: "pct" });
      const bar = el("span", { class: "bar", role: "img" }, fill);
      return { row: el("div", { class: "bar-row" }, el("span", { class: "tok" }, name), bar, value), fill, value, bar };
    });
    return {
      node: el("div", { class: "bars" }, ...rows.map((r) => r.row)),
      update(probs, chosen) {
        rows.forEach((r, i) => {
          r.fill.style.width = `${(100 * probs[i]).toFixed(2)}%`;
          r.value.textContent = pct(probs[i]);
          r.row.classList.toggle("chosen", i === chosen);
          r.bar.setAttribute("aria-label", `${names[i]} ${pct(probs[i])}`);
        });
      },
    };
  }

  function moduleBox(cls, barsOf) {
    const name = el("span", { class: "module-name" }), sub = el("span", { class: "module-sub" });
    const node = el("div", { class: `module ${cls}` }, el("div", { class: "module-head" }, name, sub), barsOf.node);
    return { node, name, sub, bars: barsOf };
  }

  /* The thought bubble: Planner over Doer, each with its real probabilities; the sub-goal handed down, the action
     sent out, the memory chip and the thinking segments used. `compact` sets the two side by side. */
  function makeBrain(host, { compact = false } = {}) {
    const planner = moduleBox("planner", bars(SUBGOALS, "planner")), doer = moduleBox("doer", bars(ACTIONS, "doer"));
    const handed = el("span", { class: "pill planner" }), toldTag = el("span", { class: "told-tag" }, "told");
    const handoff = el("div", { class: "handoff" }, el("span", { class: "arrow-down", "aria-hidden": "true" }),
                       handed, toldTag);
    const action = el("span", { class: "pill doer" });
    doer.node.append(el("div", { class: "action-out" }, el("span", { class: "quiet" }, "action"), action));
    const own = el("p", { class: "own-choice" }), caption = el("p", { class: "brain-caption" });
    const memory = el("span", { class: "chip memory" }), think = el("span", { class: "chip think" });
    host.replaceChildren(el("div", { class: `brain${compact ? " compact" : ""}` }, caption, planner.node, handoff,
                            doer.node, own, el("div", { class: "chips" }, memory, think)));
    return {
      /* `step`: a step of HRM.episode (the decision in that state); `ownStep`: what the model would have done
         without the sub-goal it was told. */
      update({ stem, step, holding, last, ownStep = null }) {
        const kind = kindOf(stem), hrm = kind === "hrm";
        planner.name.textContent = hrm ? "Planner" : "Sub-goal readout";
        planner.sub.textContent = hrm ? "H module · picks sub-goals" : "read beside the action, not fed to it";
        doer.name.textContent = hrm ? "Doer" : kind === "trm" ? "TRM" : "Flat network";
        doer.sub.textContent = hrm ? "L module · picks actions" : "picks actions";
        host.firstChild.classList.toggle("no-planner", !hrm);
        caption.textContent = last ? "its last decision" : "what it thinks now";
        planner.bars.update(step.planner_probs, argmax(step.planner_probs));
        doer.bars.update(step.doer_probs, ACTIONS.indexOf(step.action));
        handed.textContent = step.subgoal;
        handoff.hidden = !hrm || compact;
        handoff.classList.toggle("told", step.told);
        toldTag.hidden = !step.told;
        action.textContent = step.action;
        own.hidden = !ownStep || compact;
        if (ownStep) own.textContent = `left to itself: ${ownStep.subgoal} → ${ownStep.action} ` +
                                       `(${top(ownStep.doer)})`;
        memory.classList.toggle("on", holding);
        memory.textContent = holding ? "holding key" : "no key";
        const used = step.act_segments, limit = haltMax(stem);
        think.replaceChildren(el("span", {}, `thought ${plural(used, "segment")}`),
                              ...Array.from({ length: limit }, (_, i) => el("i", { class: i < used ? "on" : "" })));
        think.title = `ACT: thinking segments used for this decision, of at most ${limit}`;
      },
    };
  }

  function trail(host, ep, upto) {
    host.replaceChildren(...ep.steps.slice(0, upto).map((s, i) => el("li", {
      class: `act ${s.event}${s.told ? " told" : ""}${i === upto - 1 ? " latest" : ""}`,
      title: `step ${i + 1}: ${s.subgoal} → ${s.action} (${s.event})`,
    }, ARROW[s.action])));
  }

  function verdictText(ep, t) {
    if (t < ep.n_steps) return `${plural(t, "step")} so far; the shortest route takes ${ep.optimal_steps}.`;
    if (!ep.success) return `Not opened within ${MAX_STEPS} steps (the optimum is ${ep.optimal_steps}).`;
    return ep.n_steps === ep.optimal_steps ? `Opened in ${ep.n_steps} steps: the optimum.`
      : `Opened in ${ep.n_steps} steps; the optimum is ${ep.optimal_steps}.`;
  }
  function setVerdict(node, ep, t, prefix = "") {
    node.textContent = prefix + verdictText(ep, t);
    node.className = `verdict${t >= ep.n_steps ? (ep.success ? " ok" : " fail") : ""}`;
  }

  function setTag(node, l) {
    const kind = layoutKind(l);
    node.textContent = kind.text;
    node.title = kind.title;
    node.className = `layout-tag ${kind.cls}`;
  }

  // --- episode controls (shared by play, training and compare) ------------------------------------------------------

  let running = null;      // the interval playing steps (or snapshots, or a tutorial chapter)
  function stopRunning() {
    clearInterval(running);
    running = null;
    document.querySelectorAll("[data-run]").forEach((b) => {
      b.textContent = b.dataset.run;
      b.setAttribute("aria-pressed", "false");
    });
  }
  /* Advance `step()` → patch every STEP_MS (or `ms`) while `going()` holds, in the view that started it. */
  function animate(going, advance, ms = STEP_MS) {
    const view = state.view;
    running = setInterval(() => (state.view === view && going() ? set(advance()) : stopRunning()), ms);
  }

  /* Reset, back, step, run and a step slider over an episode of `length()` steps. */
  function makeControls(host, length, label) {
    const go = (step) => () => { stopRunning(); set({ step: step() }); };
    const scrub = el("input", { type: "range", min: "0", max: "1", step: "1", "aria-label": `${label}: step` });
    const run = el("button", { class: "btn primary", "data-run": "Run", "aria-pressed": "false" }, "Run");
    run.addEventListener("click", () => {
      if (running) return stopRunning();
      if (state.step >= length()) set({ step: 0 });
      run.textContent = "Pause";
      run.setAttribute("aria-pressed", "true");
      animate(() => state.step < length(), () => ({ step: state.step + 1 }));
    });
    scrub.addEventListener("input", go(() => Number(scrub.value)));
    host.replaceChildren(el("div", { class: "buttons" },
      el("button", { class: "btn", title: "Back to the start", onclick: go(() => 0) }, "Reset"),
      el("button", { class: "btn", title: "One step back", onclick: go(() => Math.max(0, state.step - 1)) }, "Back"),
      el("button", { class: "btn", title: "One step forward", onclick: go(() => Math.min(length(), state.step + 1)) },
         "Step"),
      run), scrub);
    return {
      update() {
        scrub.max = String(length());
        scrub.value = String(Math.min(state.step, length()));
        scrub.setAttribute("aria-valuetext", `step ${scrub.value} of ${length()}`);
      },
    };
  }

  /* The cell clicks of free play and compare: agent first, then the key; clicking the key's cell with the agent
     swaps them. The door stays at its end. */
  let placing = "agent";
  function placeAt(cell) {
    const l = state.layout;
    if (cell === l.door) return;
    let agent = l.agent, key = l.key;
    if (placing === "agent") {
      if (cell === key) key = agent;
      agent = cell;
    } else {
      if (cell === agent) agent = key;
      key = cell;
    }
    placing = placing === "agent" ? "key" : "agent";
    stopRunning();
    set({ layout: HRM.layout(agent, key, l.door, N), step: 0, told: null });
  }
  const DOOR_OPTIONS = [{ value: 0, label: "Door left", title: "the mirrored row" },
                        { value: N - 1, label: "Door right", title: "as in training" }];
  function setDoor(door) {
    if (door === state.layout.door) return;
    stopRunning();
    set({ layout: HRM.mirrored(state.layout), step: 0, told: null });   // the same puzzle, seen in a mirror
  }

  function modelSelect(select) {
    const groups = new Map();
    for (const [stem, entry] of CATALOGUE) {
      if (!groups.has(entry.group)) groups.set(entry.group, el("optgroup", { label: entry.group }));
      groups.get(entry.group).append(el("option", { value: stem }, entry.label));
    }
    select.replaceChildren(...groups.values());
  }

  // --- view: tutorial -----------------------------------------------------------------------------------------------

  const heldoutShowcase = showcase.find((s) => !s.inTrain) || showcase[0];
  const pickIndex = (ep) => ep.steps.findIndex((s) => s.event === "picked");

  /* Seven steps over one showcase episode of the trained HRM; every number is read from the live episode. Each
     chapter plays its stretch of steps [from, to] (a cut under reduced motion). */
  const CHAPTERS = [
    { title: "A row of ten cells", focus: "track", range: () => [0, 0],
      body: () => "The agent has to open the door at the end of the row. The door is locked: first it must fetch " +
                  "the key." },
    { title: "Two modules, one decision", focus: "modules", range: () => [0, 0],
      body: () => "The Planner picks a sub-goal and hands it down; the Doer turns it into one action. " +
                  "The Planner never sees the row, only the Doer's state." },
    { title: "The thought bubble", focus: "bars", range: () => [0, 0],
      body: (ep) => {
        const s = ep.steps[0];
        return `In cell ${s.agent} the Planner gives ${s.subgoal} ${top(s.planner_probs)}. Handed it, the Doer ` +
               `picks ${s.action} (${top(s.doer_probs)}). These are the trained model's probabilities, computed in ` +
               "your browser.";
      } },
    { title: "Walking to the key", focus: "track", range: (ep) => [0, Math.max(pickIndex(ep), 0)],
      body: (ep) => {
        const p = pickIndex(ep);
        if (p < 0) return "This model never picks the key up.";
        return `${plural(p, "step")} to the key, one decision each, all under go_to_key. On the key's cell the ` +
               `Doer's choice turns to pick (${top(ep.steps[p].doer_probs)}).`;
      } },
    { title: "The memory chip", focus: "memory", range: (ep) => [pickIndex(ep) + 1, pickIndex(ep) + 1],
      body: (ep) => {
        const s = ep.steps[pickIndex(ep) + 1];
        if (!s) return "The episode ends here.";
        return "Picked: the chip now says holding key, and the key leaves the row. The Planner switches to " +
               `${s.subgoal} (${top(s.planner_probs)}).`;
      } },
    { title: "Open the door", focus: "track", range: (ep) => [pickIndex(ep) + 1, ep.n_steps],
      body: (ep) => (ep.success ? `The door opens after ${ep.n_steps} steps; the shortest route takes ` +
                                  `${ep.optimal_steps}.` : `The door stays shut after ${ep.n_steps} steps.`) },
    { title: "A layout it never saw", focus: "track", layout: heldoutShowcase.layout, range: (ep) => [0, ep.n_steps],
      body: (ep) => `That row was one of the ${DATA.n_train} demonstrations. This one was held out, and the same ` +
                    `weights ${ep.success ? `solve it in ${ep.n_steps} steps (optimum ${ep.optimal_steps})`
                                          : "do not solve it"}. Your turn:` },
  ];

  const tour = {
    init() {
      this.track = makeTrack($("tour-track"));
      this.brain = makeBrain($("tour-brain"));
      this.dots = CHAPTERS.map((c, i) => el("button", { class: "dot", "aria-label": `Step ${i + 1}: ${c.title}`,
                                                        onclick: () => this.go(i + 1) }, String(i + 1)));
      $("tour-dots").replaceChildren(...this.dots.map((d) => el("li", {}, d)));
      roving(this.dots);
      $("tour-prev").addEventListener("click", () => this.go(state.chapter - 1));
      $("tour-next").addEventListener("click", () => this.go(state.chapter + 1));
      $("tour-replay").addEventListener("click", () => this.go(state.chapter));
      document.querySelectorAll("#tour-links [data-go]").forEach((b) => b.addEventListener("click", () => {
        set({ view: b.dataset.go, step: 0, layout: heldoutShowcase.layout, model: FINAL, told: null });
        $(`tab-${b.dataset.go}`).focus();
      }));
    },
    chapter(index = state.chapter) {
      const c = CHAPTERS[index - 1], layout = c.layout || showcase[0].layout, ep = episode(FINAL, layout);
      return { c, layout, ep, range: c.range(ep) };
    },
    go(index) {
      if (index < 1 || index > CHAPTERS.length) return;
      stopRunning();
      const [from, to] = this.chapter(index).range;
      set({ chapter: index, step: motionReduced() ? to : from });
      animate(() => state.chapter === index && state.step < to, () => ({ step: state.step + 1 }));
    },
    render() {
      const { c, layout, ep, range: [from, to] } = this.chapter();
      const t = Math.min(Math.max(state.step, from), to);     // a link's step stays inside its chapter
      $("tour-kicker").textContent = `Tutorial · ${state.chapter} of ${CHAPTERS.length}`;
      $("tour-title").textContent = c.title;
      $("tour-body").textContent = c.body(ep);
      this.dots.forEach((d, i) => {
        d.setAttribute("aria-current", i + 1 === state.chapter ? "step" : "false");
        d.parentNode.classList.toggle("done", i + 1 < state.chapter);
      });
      focusable(this.dots, state.chapter - 1);
      $("tour-prev").disabled = state.chapter === 1;
      $("tour-next").disabled = state.chapter === CHAPTERS.length;
      $("tour-next").textContent = state.chapter === 1 ? "Start" : "Next";
      $("tour-replay").hidden = to === from;
      $("tour-links").hidden = state.chapter !== CHAPTERS.length || t < to;
      setTag($("tour-tag"), layout);
      $("tour-counter").textContent = `step ${t} of ${ep.n_steps}`;
      this.track.update(layout, ep.frames[t]);
      trail($("tour-trail"), ep, t);
      this.brain.update({ stem: FINAL, step: ep.steps[Math.min(t, ep.n_steps - 1)], holding: ep.frames[t].holding,
                          last: t >= ep.n_steps });
      document.querySelector("#view-tutorial .split").dataset.focus = c.focus;
    },
  };

  // --- view: free play ----------------------------------------------------------------------------------------------

  const play = {
    init() {
      modelSelect($("play-model"));
      $("play-model").addEventListener("change", (e) => {
        stopRunning();
        set({ model: e.target.value, step: 0, told: null });
      });
      this.door = segmented($("play-door"), DOOR_OPTIONS, setDoor);
      this.track = makeTrack($("play-track"), { onCell: placeAt, label: "The row: place the agent, then the key" });
      this.controls = makeControls($("play-controls"), () => this.episode().n_steps, "Free play");
      this.brain = makeBrain($("play-brain"));
      this.told = segmented($("play-told"), [{ value: null, label: "Planner decides" },
                                             ...SUBGOALS.map((g, i) => ({ value: i, label: g }))],
                            (goal) => this.tell(goal));
      $("play-film-experiment").addEventListener("click", () => {
        const iv = DATA.intervention;
        stopRunning();
        set({ layout: showcase[0].layout, model: FINAL, step: iv.first_step,
              told: { goal: SUBGOALS.indexOf(iv.subgoal), first: iv.first_step, last: iv.last_step } });
      });
    },
    episode() {
      return episode(state.model, state.layout, state.told);
    },
    /* From the current step on, the Doer is handed `goal` (null: the Planner's own again). */
    tell(goal) {
      const t = state.step, told = state.told;
      let next;
      if (goal === null) next = told && told.first < t ? { ...told, last: Math.min(told.last, t) } : null;
      else if (told && told.goal === goal && told.first <= t) next = { ...told, last: MAX_STEPS };
      else next = { goal, first: t, last: MAX_STEPS };
      stopRunning();
      set({ told: next });
    },
    /* What the model would do in the told episode's current state, left to itself. */
    ownDecision(frame) {
      const d = model(state.model).decide({ layout: state.layout, agent: frame.agent, holding_key: frame.holding });
      return { subgoal: SUBGOALS[argmax(d.planner)], action: ACTIONS[argmax(d.doer)], doer: d.doer };
    },
    render() {
      const ep = this.episode(), t = Math.min(state.step, ep.n_steps), entry = CATALOGUE.get(state.model);
      const hrm = kindOf(state.model) === "hrm", told = state.told, over = t >= ep.n_steps;
      const toldNow = told && told.first <= t && t < told.last;
      $("play-model").value = state.model;
      this.door.update(state.layout.door);
      setTag($("play-tag"), state.layout);
      $("play-hint").textContent = `Click a cell to place the ${placing}` +
                                   `${placing === "agent" ? ", then the key" : ""}; the door stays at its end.`;
      this.track.update(state.layout, ep.frames[t], { placing });
      this.controls.update();
      setVerdict($("play-verdict"), ep, t);
      trail($("play-trail"), ep, t);
      this.brain.update({ stem: state.model, step: ep.steps[Math.min(t, ep.n_steps - 1)], holding: ep.frames[t].holding,
                          last: over, ownStep: toldNow && !over ? this.ownDecision(ep.frames[t]) : null });
      this.told.update(toldNow ? told.goal : null, !hrm || over);
      const follows = DATA.checks.override_follows.mean;
      $("play-told-note").textContent = !hrm ? `${entry.label} has no sub-goal input: nothing to hand its actions.`
        : !told ? "Pick a sub-goal to override the Planner and watch the Doer's bars follow it."
        : `Told ${SUBGOALS[told.goal]} on steps ${told.first + 1}–${Math.min(told.last, ep.n_steps)}. ` +
          `Recorded over ${DATA.seeds.length} seeds: told go_to_door before the key, the Doer stepped toward the ` +
          `door in ${pct(follows, 0)} of states.`;
      $("play-note").textContent = entry.policy === "sample"
        ? "This snapshot samples its actions from the Doer's probabilities (as the recording does), seeded with " +
          `${ep.seed} (settings seed ${DATA.seed} and the layout), so a link replays the same walk.`
        : `${entry.label} acts greedily: the most probable action, every step.`;
    },
  };

  // --- charts -------------------------------------------------------------------------------------------------------

  function svg(tag, attrs = {}, ...children) {
    const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    node.append(...children);
    return node;
  }
  /* Charts are drawn at their host's own width, so their text keeps its size on a phone. */
  const chartWidth = (host) => Math.max(280, Math.round(host.clientWidth || 460));

  function yAxis(root, ticks, format, X0, X1, Y) {
    for (const y of ticks) {
      root.append(svg("line", { x1: X0, x2: X1, y1: Y(y), y2: Y(y), class: "grid" }),
                  svg("text", { x: X0 - 8, y: Y(y) + 4, class: "axis", "text-anchor": "end" }, format(y)));
    }
  }

  /* Labels at the ends of lines that never overlap: pushed apart downwards, then back up from the floor. */
  function spread(labels, gap, floor) {
    labels.sort((a, b) => a.y - b.y);
    for (let i = 1; i < labels.length; i++) labels[i].y = Math.max(labels[i].y, labels[i - 1].y + gap);
    for (let i = labels.length - 1; i >= 0; i--) {
      labels[i].y = Math.min(labels[i].y, i + 1 < labels.length ? labels[i + 1].y - gap : floor);
    }
    return labels;
  }

  /* A small line chart over epochs: thin lines, labelled ends instead of a legend, a dot on the current epoch. */
  function lineChart(host, { xs, yMax, yTicks, yFormat, series, marker = null, height = 190 }) {
    const width = chartWidth(host), pad = { l: 40, r: 74, t: 12, b: 30 };
    const X = (x) => pad.l + (x - xs[0]) / (xs[xs.length - 1] - xs[0]) * (width - pad.l - pad.r);
    const Y = (y) => height - pad.b - (y / yMax) * (height - pad.t - pad.b);
    const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img" });
    yAxis(root, yTicks, yFormat, pad.l, width - pad.r, Y);
    for (const x of new Set([xs[0], ...xs.filter((x) => x % 4 === 0), xs[xs.length - 1]])) {
      root.append(svg("text", { x: X(x), y: height - pad.b + 16, class: "axis", "text-anchor": "middle" },
                      x === 0 ? "base" : `ep ${x}`));
    }
    for (const s of series) {
      const points = s.values.map((v, i) => `${X(xs[i]).toFixed(1)},${Y(v).toFixed(1)}`).join(" ");
      root.append(svg("polyline", { points, class: `line ${s.cls}`, fill: "none" }));
    }
    const labels = series.filter((s) => s.label).map((s) => ({ y: Y(s.values[s.values.length - 1]), s }));
    for (const { y, s } of spread(labels, 14, height - pad.b - 2)) {
      root.append(svg("text", { x: width - pad.r + 8, y: y + 4, class: `end ${s.cls}` }, s.label));
    }
    if (marker) {
      root.append(svg("line", { x1: X(marker.x), x2: X(marker.x), y1: pad.t, y2: height - pad.b, class: "cursor" }),
                  svg("circle", { cx: X(marker.x), cy: Y(marker.y), r: 5, class: `dot ${marker.cls}` }));
    }
    root.setAttribute("aria-label", labels.map(({ s }) => `${s.label}: ${s.values.map(yFormat).join(", ")}`)
      .join("; "));
    host.replaceChildren(root);
  }

  // --- view: training replay ----------------------------------------------------------------------------------------

  const SWEEP_VARIANTS = [...new Set(DATA.sweep.map((j) => j.variant))];
  const SWEEP_COUNTS = [...new Set(DATA.sweep.map((j) => j.n_train))].sort((a, b) => a - b);
  const SWEEP_SEEDS = [...new Set(DATA.sweep.map((j) => j.seed))].sort((a, b) => a - b);
  const variantLabel = (name) => DATA.variants.find((v) => v.name === name).label;
  const LAST_SNAPSHOT = DATA.snapshots.length - 1;

  const training = {
    init() {
      const scrub = $("train-scrub");
      scrub.max = String(LAST_SNAPSHOT);
      scrub.addEventListener("input", () => {
        stopRunning();
        this.show(Number(scrub.value));
      });
      // each label under its thumb position (the thumb is 16 px wide)
      $("train-ticks").replaceChildren(...DATA.snapshots.map((s, i) => el("li", {
        style: `left: calc(8px + ${i / LAST_SNAPSHOT} * (100% - 16px))` },
        s.stage === "finetune" ? String(s.epoch) : s.stage === "init" ? "untrained" : "base")));
      this.track = makeTrack($("train-track"));
      this.controls = makeControls($("train-controls"), () => this.episode().n_steps, "Training replay");
      this.brain = makeBrain($("train-brain"), { compact: true });
      const button = $("train-play");
      button.dataset.run = "Play training";
      button.addEventListener("click", () => {
        if (running) return stopRunning();
        if (state.snapshot >= LAST_SNAPSHOT) this.show(0);
        button.textContent = "Pause";
        button.setAttribute("aria-pressed", "true");
        animate(() => state.snapshot < LAST_SNAPSHOT, () => this.at(state.snapshot + 1), SNAPSHOT_MS);
      });
      this.sweep = { variant: SWEEP_VARIANTS[0], n: SWEEP_COUNTS[0], seed: DATA.followed.seed };
      const choose = (key) => (value) => { this.sweep[key] = value; this.renderSweep(); };
      const variants = SWEEP_VARIANTS.map((v) => ({ value: v, label: variantLabel(v) }));
      this.sweepVariant = segmented($("sweep-variant"), variants, choose("variant"));
      this.sweepN = segmented($("sweep-n"), SWEEP_COUNTS.map((n) => ({ value: n, label: String(n),
                                                                       title: plural(n, "demonstration") })),
                              choose("n"));
      this.sweepSeed = segmented($("sweep-seed"), SWEEP_SEEDS.map((s) => ({ value: s, label: `seed ${s}` })),
                                 choose("seed"));
      $("sweep-card").hidden = DATA.sweep.length === 0;
    },
    episode(index = state.snapshot) {
      return episode(DATA.snapshots[index].model, state.layout);
    },
    /* A snapshot shown with its whole episode played: its outcome at a glance. */
    at(index) {
      return { snapshot: index, step: this.episode(index).n_steps };
    },
    show(index) {
      set(this.at(index));
    },
    render() {
      const snap = DATA.snapshots[state.snapshot], ep = this.episode(), t = Math.min(state.step, ep.n_steps);
      $("train-scrub").value = String(state.snapshot);
      $("train-scrub").setAttribute("aria-valuetext", snap.label);
      [...$("train-ticks").children].forEach((li, i) => li.classList.toggle("current", i === state.snapshot));
      $("train-snap-label").textContent = `${snap.label}${snap.stage === "finetune" ? ` of ${DATA.epochs}` : ""}`;
      setTag($("train-tag"), state.layout);
      $("train-counter").textContent = `step ${t} of ${ep.n_steps}`;
      this.track.update(state.layout, ep.frames[t]);
      this.controls.update();
      setVerdict($("train-verdict"), ep, ep.n_steps, `${snap.label}: `);   // the snapshot's outcome, at any step
      trail($("train-trail"), ep, t);
      $("train-note").textContent = snap.policy === "sample"
        ? `The ${snap.label} model samples its actions from the Doer's probabilities, as the recording scores it; ` +
          `this page draws them with seed ${ep.seed} (settings seed ${DATA.seed} and the layout), so the walk ` +
          "replays exactly."
        : "From the first epoch on the model acts greedily: the most probable action, every step.";
      this.brain.update({ stem: snap.model, step: ep.steps[Math.min(t, ep.n_steps - 1)],
                          holding: ep.frames[t].holding, last: t >= ep.n_steps });
      this.renderCharts(snap);
      this.renderSweep();
    },
    renderCharts(snap) {
      const rows = DATA.curves.hrm, xs = rows.map((r) => r.epoch), epoch = snap.stage === "init" ? null : snap.epoch;
      const others = Object.entries(DATA.curves.by_seed.hrm).filter(([seed]) => Number(seed) !== DATA.followed.seed);
      lineChart($("chart-success"), {
        xs, yMax: 1, yTicks: [0, 0.5, 1], yFormat: (y) => `${Math.round(y * 100)}%`,
        series: [...others.map(([, values]) => ({ values, cls: "faint" })),
                 { values: DATA.curves.flat.map((r) => r.heldout_success), cls: "flat", label: "flat" },
                 { values: rows.map((r) => r.heldout_success), cls: "hrm", label: "HRM" }],
        marker: epoch === null ? null : { x: epoch, y: rows[epoch].heldout_success, cls: "hrm" },
      });
      $("chart-success-source").textContent = `seed ${DATA.followed.seed} (median run) · other seeds faint · ` +
        `n = ${DATA.n_heldout}${epoch === null ? " · untrained: before the base stage, off the chart" : ""}`;
      const yMax = Math.ceil(Math.max(...rows.map((r) => Math.max(r.planner_loss, r.doer_loss))));
      lineChart($("chart-loss"), {
        xs, yMax, yTicks: Array.from({ length: yMax + 1 }, (_, i) => i), yFormat: String,
        series: [{ values: rows.map((r) => r.planner_loss), cls: "planner", label: "Planner" },
                 { values: rows.map((r) => r.doer_loss), cls: "doer", label: "Doer" }],
        marker: epoch === null ? null : { x: epoch, y: rows[epoch].doer_loss, cls: "doer" },
      });
      const moved = snap.weight_change;
      const scale = Math.max(...DATA.snapshots.flatMap((s) => [s.weight_change.planner, s.weight_change.doer]));
      $("train-nudge").replaceChildren(el("span", { class: "quiet" }, "weights moved since the snapshot before"),
        ...["planner", "doer"].map((m) => el("span", { class: "nudge-row" },
          el("span", { class: `tok ${m}` }, m === "planner" ? "Planner" : "Doer"),
          el("span", { class: "bar" }, el("span", { class: `fill ${m}`,
                                                    style: `width:${(100 * moved[m] / scale).toFixed(1)}%` })),
          el("span", { class: "pct" }, pct(moved[m])))));
    },
    /* The recorded sweep: held-out success per number of demonstrations, a dot per run; the chosen run named. */
    renderSweep() {
      if (!DATA.sweep.length) return;
      const { variant, n } = this.sweep;
      const runs = DATA.sweep.filter((j) => j.variant === variant && j.n_train === n);
      if (!runs.some((j) => j.seed === this.sweep.seed)) this.sweep.seed = runs[0].seed;
      this.sweepVariant.update(variant);
      this.sweepN.update(n);
      this.sweepSeed.update(this.sweep.seed, (s) => !runs.some((j) => j.seed === s));
      const width = chartWidth($("chart-sweep")), height = 150, pad = { l: 40, r: 16, t: 12, b: 34 };
      const X = (i) => pad.l + (i + 0.5) / SWEEP_COUNTS.length * (width - pad.l - pad.r);
      const Y = (y) => height - pad.b - y * (height - pad.t - pad.b);
      const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart", role: "img",
                                "aria-label": "Recorded held-out success per number of demonstrations, per run" });
      yAxis(root, [0, 0.5, 1], (y) => `${y * 100}%`, pad.l, width - pad.r, Y);
      SWEEP_COUNTS.forEach((count, i) => root.append(svg("text", {
        x: X(i), y: height - pad.b + 16, class: `axis${count === n ? " strong" : ""}`, "text-anchor": "middle" },
        String(count))));
      root.append(svg("text", { x: (pad.l + width - pad.r) / 2, y: height - 4, class: "axis", "text-anchor": "middle" },
                      "demonstrations"));
      const chosen = runs.find((j) => j.seed === this.sweep.seed);
      SWEEP_VARIANTS.forEach((v, vi) => {
        for (const job of DATA.sweep.filter((j) => j.variant === v)) {
          const dx = (vi - (SWEEP_VARIANTS.length - 1) / 2) * 12;
          root.append(svg("circle", { cx: X(SWEEP_COUNTS.indexOf(job.n_train)) + dx, cy: Y(job.heldout_success),
                                      r: job === chosen ? 6 : 3.6,
                                      class: `sweep-dot ${v}${v === variant ? " active" : ""}` +
                                             `${job === chosen ? " picked" : ""}` }));
        }
      });
      $("chart-sweep").replaceChildren(root);
      $("sweep-readout").textContent = `${variantLabel(variant)} on ${plural(n, "demonstration")}, seed ` +
        `${chosen.seed}: ${chosen.heldout_solved} of ${chosen.n_heldout} held-out layouts solved ` +
        `(${pct(chosen.heldout_success)}). Recorded offline; these runs' weights are not in the page.`;
    },
  };

  // --- view: compare ------------------------------------------------------------------------------------------------

  function laneVerdict(ep) {
    if (!ep.success) return "not opened";
    return ep.n_steps === ep.optimal_steps ? "opened · optimal" : `opened · +${ep.n_steps - ep.optimal_steps}`;
  }

  const compare = {
    init() {
      this.door = segmented($("compare-door"), DOOR_OPTIONS, setDoor);
      this.lanes = DATA.variants.map((v) => {
        const host = el("div", { class: "lane-track" }), counter = el("span", { class: "counter" });
        const verdict = el("span", { class: "chip verdict-chip" });
        const action = el("span", { class: "pill doer small", title: "the action it takes next" });
        $("compare-lanes").append(el("div", { class: "lane card", "data-variant": v.name },
          el("div", { class: "lane-name", title: v.about }, el("strong", {}, v.label),
             el("span", { class: "quiet" }, v.about)),
          host, el("div", { class: "lane-status" }, counter, action, verdict)));
        const track = makeTrack(host, { onCell: placeAt, label: `${v.label}'s row`, compact: true });
        return { v, track, counter, verdict, action };
      });
      this.controls = makeControls($("compare-controls"), () => this.length(), "Compare");
    },
    length() {
      return Math.max(...this.lanes.map((lane) => episode(lane.v.model, state.layout).n_steps));
    },
    render() {
      const t = Math.min(state.step, this.length());
      this.door.update(state.layout.door);
      setTag($("compare-tag"), state.layout);
      $("compare-counter").textContent = `step ${t} of ${this.length()} · optimum ${HRM.optimalSteps(state.layout)}`;
      $("compare-hint").textContent = `One layout for every model. Click a cell in any lane to place the ${placing}.`;
      this.controls.update();
      for (const lane of this.lanes) {     // every lane at the same step; a finished one keeps its end
        const ep = episode(lane.v.model, state.layout), u = Math.min(t, ep.n_steps), done = u >= ep.n_steps;
        lane.track.update(state.layout, ep.frames[u], { placing });
        lane.counter.textContent = plural(u, "step");
        lane.action.textContent = done ? "" : ep.steps[u].action;
        lane.verdict.textContent = done ? laneVerdict(ep) : "on the way";
        lane.verdict.className = `chip verdict-chip${done ? (ep.success ? " ok" : " fail") : ""}`;
      }
    },
  };

  // --- view: metrics ------------------------------------------------------------------------------------------------

  function figure(label, value, below) {
    return el("div", { class: "figure" }, el("span", { class: "figure-label" }, label),
              el("span", { class: "figure-value" }, value), el("span", { class: "figure-recorded" }, below));
  }
  const agrees = (live, rec) => live.solved === rec.heldout_solved &&
    [["success", "heldout_success"], ["mean_steps", "heldout_mean_steps"], ["efficiency", "heldout_efficiency"]]
      .every(([a, b]) => Math.abs(live[a] - rec[b]) <= TOLERANCE);

  const metrics = {
    init() {
      modelSelect($("metrics-model"));
      $("metrics-model").addEventListener("change", (e) => set({ model: e.target.value, told: null }));
      this.track = makeTrack($("metrics-track"), { compact: true });
      $("metrics-play").addEventListener("click", () => {
        set({ view: "play", step: 0, told: null });
        $("tab-play").focus();
      });
      this.cells = [];
      const door = N - 1, axis = (text) => el("span", { class: "heat-axis", "aria-hidden": "true" }, text);
      const grid = el("div", { class: "heat", role: "grid", style: `--n:${N - 1}`,
                               "aria-label": "Every layout with the door on the right" },
                      axis("a\\k"), ...Array.from({ length: N - 1 }, (_, k) => axis(String(k))));
      for (let a = 0; a < N - 1; a++) {
        grid.append(axis(String(a)));
        for (let k = 0; k < N - 1; k++) {
          if (a === k) {
            grid.append(el("span", { class: "heat-cell void", "aria-hidden": "true" }));
            continue;
          }
          const cell = el("button", { class: "heat-cell", "data-layout": `${a}-${k}-${door}`,
                                      onclick: () => set({ layout: HRM.layout(a, k, door, N), step: 0, told: null }) });
          cell.addEventListener("keydown", (e) => this.move(e, a, k));
          this.cells.push(cell);
          grid.append(cell);
        }
      }
      $("metrics-heat").replaceChildren(grid);
      $("metrics-legend").replaceChildren(...[["optimal", "solved in the fewest steps"],
                                              ["longer", "solved, with detours"], ["failed", "not solved"],
                                              ["demo", "a demonstration"]]
        .map(([cls, text]) => el("li", {}, el("i", { class: `swatch ${cls}` }), text)));
    },
    /* Arrow keys move through the grid (rows: agent, columns: key), stepping over the impossible diagonal. */
    move(e, a, k) {
      const [da, dk] = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] }[e.key] || [];
      if (da === undefined) return;
      e.preventDefault();
      do { a += da; k += dk; } while (a === k);
      const next = this.cells.find((c) => c.dataset.layout === `${a}-${k}-${N - 1}`);
      if (next) next.focus();
    },
    render() {
      const stem = state.model, entry = CATALOGUE.get(stem), rec = entry.metrics, live = heldoutScore(stem);
      const sampled = entry.policy === "sample", n = DATA.layouts.heldout.length * triesOf(stem);
      $("metrics-model").value = stem;
      $("metrics-policy").textContent = sampled ? `samples its actions: ${DATA.sampled_tries} seeded tries per ` +
        "layout, as recorded (the draws differ from the recording's)" : "acts greedily";
      const both = (label, key, recKey, format) => figure(label, format(live[key]), `recorded ${format(rec[recKey])}`);
      $("metrics-figures").replaceChildren(
        both(`held-out success · n = ${n}`, "success", "heldout_success", pct),
        both("solved", "solved", "heldout_solved", (v) => `${v} of ${n}`),
        both("mean steps", "mean_steps", "heldout_mean_steps", (v) => v.toFixed(2)),
        both("optimal mean steps", "optimal_mean_steps", "heldout_optimal_mean_steps", (v) => v.toFixed(2)),
        both("efficiency", "efficiency", "heldout_efficiency", pct));
      const note = $("metrics-agree");
      if (sampled) {
        note.textContent = "Computed here from the recorded weights; a sampling model's figures match the " +
                           "recording only in expectation.";
        note.className = "note";
      } else if (agrees(live, rec)) {
        note.textContent = "Computed here from the recorded weights, and equal to the recording's figures.";
        note.className = "note ok";
      } else {
        note.textContent = `These live figures disagree with the recording for ${entry.label}: a bug, please ` +
                           "report it.";
        note.className = "note fail";
        console.error(`metrics of ${stem} disagree with the recording`, live, rec);
      }
      this.renderHeat(stem);
      const ep = episode(stem, state.layout);
      setTag($("metrics-tag"), state.layout);
      $("metrics-layout").replaceChildren(
        figure("steps taken", String(ep.n_steps), ep.success ? "door opened" : "not opened"),
        figure("optimal steps", String(ep.optimal_steps), "the shortest route"),
        figure("efficiency", pct(ep.optimal_steps / ep.n_steps),
               ep.success ? "optimal ÷ taken" : "a failure counts the step limit"));
      this.track.update(state.layout, ep.frames[ep.n_steps]);
      trail($("metrics-trail"), ep, ep.n_steps);
    },
    renderHeat(stem) {
      const tries = triesOf(stem);
      for (const cell of this.cells) {
        const id = cell.dataset.layout, l = fromList(id.split("-").map(Number));
        const eps = Array.from({ length: tries }, (_, t) => episode(stem, l, null, t));
        const solved = eps.filter((e) => e.success).length;
        const optimal = eps.every((e) => e.success && e.n_steps === e.optimal_steps);
        cell.className = `heat-cell ${optimal ? "optimal" : solved ? "longer" : "failed"}` +
                         `${TRAIN.has(id) ? " demo" : ""}${id === layoutId(state.layout) ? " current" : ""}`;
        const steps = tries === 1 && solved ? ` in ${eps[0].n_steps} steps (optimum ${eps[0].optimal_steps})` : "";
        cell.setAttribute("aria-label", `agent ${l.agent}, key ${l.key}: ${solved} of ${tries} solved${steps}` +
                                        `${TRAIN.has(id) ? ", a demonstration" : ""}`);
      }
      const current = this.cells.findIndex((c) => c.dataset.layout === layoutId(state.layout));
      focusable(this.cells, Math.max(current, 0));
    },
  };

  // --- tabs, render, start ------------------------------------------------------------------------------------------

  const VIEW_OBJECTS = { tutorial: tour, play, training, compare, metrics };
  const tabs = VIEWS.map((v) => $(`tab-${v}`));
  const showView = (view) => { stopRunning(); set({ view }); };
  tabs.forEach((tab) => tab.addEventListener("click", () => showView(tab.dataset.view)));
  roving(tabs, (j) => showView(VIEWS[j]));

  function render() {
    for (const v of VIEWS) {
      $(`view-${v}`).hidden = v !== state.view;
      $(`tab-${v}`).setAttribute("aria-selected", String(v === state.view));
    }
    focusable(tabs, VIEWS.indexOf(state.view));
    VIEW_OBJECTS[state.view].render();
  }

  for (const [id, url] of [["link-demo", DATA.links.demo], ["link-hrm", DATA.links.hrm_paper],
                           ["link-trm", DATA.links.trm_paper]]) {
    $(id).href = url;
    $(id).hidden = !url;      // a link the settings leave empty is not shown
  }
  for (const view of Object.values(VIEW_OBJECTS)) view.init();
  window.addEventListener("hashchange", () => { if (location.hash !== lastWritten) applyFragment(); });
  let resizing = null;   // charts are drawn at their width: redraw once a resize settles
  window.addEventListener("resize", () => {
    clearTimeout(resizing);
    resizing = setTimeout(render, 150);
  });
  applyFragment();
  if (!location.hash) commit();
  document.documentElement.dataset.ready = "true";
})();
