"""The companion page's model (assets/companion/hrm.js, run by node) against the PyTorch model it was exported from
(pipeline/weights.py): on every state of every checkpoint it must pick the same sub-goal and action, think the same
number of ACT segments and give the same probabilities within 1e-4, and it must play and score the same episodes."""
from __future__ import annotations

import base64
import json
import subprocess
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

from core.errors import UserError
from model.data import encode
from model.record import INTERVENTION
from model.rollout import decide, run_episodes, score
from model.world import ACTIONS, SUBGOALS, Layout, State, oracle_action, oracle_subgoal, step
from core.settings import ModelConfig
from model.data import FEATURES
from model.run import ARCHITECTURES
from pipeline.weights import model_spec, model_specs, read_checkpoint

ROOT = Path(__file__).resolve().parent.parent
HRM_JS = ROOT / "assets" / "companion" / "hrm.js"
TOLERANCE = 1e-4
ROUNDING = 5e-5   # the recorded episodes' probabilities are rounded to 4 decimals

# Reads {specs, requests} from the file named by its second argument; answers each request with hrm.js.
DRIVER = r"""
const HRM = require(process.argv[1]);
const { specs, requests } = JSON.parse(require("fs").readFileSync(process.argv[2], "utf8"));
const models = {};
const model = (name) => (models[name] ??= HRM.load(specs[name]));
const lay = ([agent, key, door], n) => HRM.layout(agent, key, door, n);
const answers = {
  decide: (r) => r.states.map(([layout, holding, told]) =>
    model(r.model).decide({ ...HRM.start(lay(layout, r.n_cells)), holding_key: holding }, told)),
  episodes: (r) => {
    const random = r.seed === undefined ? null : HRM.seededRandom(r.seed);
    const episodes = r.layouts.map((l) => HRM.episode(model(r.model), lay(l, r.n_cells),
      { maxSteps: r.max_steps, intervention: r.intervention, random }));
    return { episodes, score: HRM.score(episodes) };
  },
  world: (r) => r.states.map(([layout, holding]) => {
    const state = { ...HRM.start(lay(layout, r.n_cells)), holding_key: holding };
    const steps = HRM.ACTIONS.map((_, a) => HRM.step(state, a));
    return { steps: steps.map((s) => [s.state.agent, s.state.holding_key, s.event, s.done]),
      oracle: [HRM.oracleSubgoal(state), HRM.oracleAction(state)],
      mirrored: Object.values(HRM.mirrored(state.layout)), optimal: HRM.optimalSteps(state.layout) };
  }),
  invalid: (r) => r.layouts.map((l) => { try { lay(l, r.n_cells); return null; } catch (err) { return err.message; } }),
  load: (r) => { try { HRM.load(r.spec); return null; } catch (err) { return err.message; } },
};
process.stdout.write(JSON.stringify(requests.map((r) => answers[r.ask](r))));
"""


def run_js(tmp_path: Path, specs: dict, requests: list[dict]) -> list:
    """All requests answered by one node process."""
    job = tmp_path / "job.json"
    job.write_text(json.dumps({"specs": specs, "requests": requests}))
    done = subprocess.run(["node", "-e", DRIVER, str(HRM_JS), str(job)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def specs(recording_dir) -> dict[str, dict]:
    return model_specs(recording_dir)


def load_model(checkpoint: Path) -> torch.nn.Module:
    """The PyTorch model a checkpoint holds, strictly loaded into its architecture, in eval mode."""
    saved = read_checkpoint(checkpoint)
    config = saved["config"]
    model = ARCHITECTURES[saved["kind"]](ModelConfig(**config["model"]), config["world"]["n_cells"] + 1, len(FEATURES))
    model.load_state_dict(saved["state_dict"])
    return model.eval()


@pytest.fixture(scope="module")
def models(recording_dir, specs) -> dict:
    return {name: load_model(recording_dir / "checkpoints" / f"{name}.pt") for name in specs}


def every_layout(n_cells: int) -> list[Layout]:
    """Door at either end, agent and key on any two other cells."""
    return [Layout(a, k, door, n_cells) for door in (0, n_cells - 1) for a in range(n_cells) for k in range(n_cells)
            if len({a, k, door}) == 3]


def every_state(n_cells: int) -> list[State]:
    return [State(lay, lay.agent, holding) for lay in every_layout(n_cells) for holding in (False, True)]


def test_specs_hold_every_tensor_bit_for_bit(specs, models):
    """Each spec is JSON, names the model's kind and real segment limit, and holds its every tensor exactly."""
    for name, spec in specs.items():
        model = models[name]
        assert spec["kind"] == model.kind and spec["config"]["halt_max_steps"] == model.halt_max_steps, name
        assert spec["weights"].keys() == model.state_dict().keys(), name
        for key, tensor in model.state_dict().items():
            data = torch.frombuffer(bytearray(base64.b64decode(spec["weights"][key]["data"])), dtype=torch.float32)
            assert torch.equal(data.view(spec["weights"][key]["shape"]), tensor), f"{name}: {key}"
    assert json.loads(json.dumps(specs)) == specs


def told_too(name: str, spec: dict) -> bool:
    """HRMs also decided with each sub-goal told: every variant's final one, and the untrained one (which thinks
    all its segments). The code path is the same for every snapshot; this keeps node under half a minute."""
    return spec["kind"] == "hrm" and (name.endswith("-final") or name == "hrm-00-init")


def test_js_decides_as_torch_on_every_state(tmp_path, specs, models):
    """Every checkpoint, every state; the HRMs also with each sub-goal told to the Doer (told_too)."""
    n_cells = next(iter(specs.values()))["n_cells"]
    states = every_state(n_cells)
    x = torch.stack([encode(s) for s in states])
    cases = [(name, told) for name, spec in specs.items()
             for told in [None] + (list(range(len(SUBGOALS))) if told_too(name, spec) else [])]
    requests = [{"ask": "decide", "model": name, "n_cells": n_cells,
                 "states": [[s.layout.as_list(), s.holding_key, told] for s in states]} for name, told in cases]
    for (name, told), answer in zip(cases, run_js(tmp_path, specs, requests)):
        want = decide(models[name], x, None if told is None else
                      F.one_hot(torch.full((len(x),), told), len(SUBGOALS)).float())
        got_planner = torch.tensor([a["planner"] for a in answer])
        got_doer = torch.tensor([a["doer"] for a in answer])
        case = f"{name}, told {told}"
        assert torch.equal(torch.tensor([a["segments"] for a in answer]), want.segments), case
        assert torch.equal(got_planner.argmax(-1), want.planner.argmax(-1)), case
        assert torch.equal(got_doer.argmax(-1), want.doer.argmax(-1)), case
        assert (got_planner - want.planner).abs().max() < TOLERANCE, case
        assert (got_doer - want.doer).abs().max() < TOLERANCE, case


def same_episode(got: dict, want: dict) -> bool:
    """Equal in every field of `want`, the probabilities within the tolerance (and run_episodes' rounding). (hrm.js
    also marks `told` on every step, where run_episodes has it only with an intervention.)"""
    probs = ("planner_probs", "doer_probs")
    if {k: v for k, v in got.items() if k != "steps"} != {k: v for k, v in want.items() if k != "steps"}:
        return False
    return len(got["steps"]) == len(want["steps"]) and all(
        {k: g[k] for k in w if k not in probs} == {k: w[k] for k in w if k not in probs}
        and all(abs(a - b) < TOLERANCE + ROUNDING for k in probs for a, b in zip(g[k], w[k]))
        for g, w in zip(got["steps"], want["steps"]))


def test_js_plays_and_scores_the_episodes_torch_plays(tmp_path, specs, models, recording):
    """Greedy episodes on the showcase layouts and their mirrors, for every checkpoint (and the HRM with the film's
    intervention), equal run_episodes; HRM.score equals rollout.score."""
    n_cells, max_steps = recording["summary"]["n_cells"], recording["summary"]["max_steps"]
    showcase = [Layout(*s["layout"], n_cells) for s in recording["dataset"]["showcase"]]
    layouts = showcase + [lay.mirrored() for lay in showcase]
    cases = [(name, None) for name in specs] + [("hrm-final", INTERVENTION)]
    requests = [{"ask": "episodes", "model": name, "n_cells": n_cells, "max_steps": max_steps,
                 "layouts": [lay.as_list() for lay in layouts],
                 "intervention": iv and {"goal": iv.goal, "first": iv.first, "last": iv.last}} for name, iv in cases]
    for (name, iv), answer in zip(cases, run_js(tmp_path, specs, requests)):
        want = run_episodes(models[name], layouts, max_steps, detail=True, intervention=iv)
        for got, episode in zip(answer["episodes"], want):
            assert same_episode(got, episode.to_json()), f"{name}: {episode.layout}"
        assert answer["score"] == pytest.approx(score(want), abs=1e-12), name


def test_js_scores_the_heldout_layouts_as_recorded(tmp_path, specs, recording):
    """What the page shows as a greedy model's held-out metrics is what training recorded for it."""
    n_cells, max_steps = recording["summary"]["n_cells"], recording["summary"]["max_steps"]
    recorded = {f"{variant}-final": final["metrics"] for variant, final in recording["finals"].items()}
    recorded |= {Path(s["checkpoint"]).stem: s["metrics"] for s in recording["snapshots"] if s["policy"] == "greedy"}
    names = sorted(recorded)
    requests = [{"ask": "episodes", "model": name, "n_cells": n_cells, "max_steps": max_steps, "intervention": None,
                 "layouts": recording["dataset"]["heldout"]} for name in names]
    for name, answer in zip(names, run_js(tmp_path, specs, requests)):
        for field in ("success", "solved", "mean_steps", "optimal_mean_steps", "efficiency"):
            assert answer["score"][field] == pytest.approx(recorded[name][f"heldout_{field}"], abs=1e-5), name


def test_js_world_follows_the_rules_of_model_world(tmp_path):
    """Every action in every state of every layout: the same next state, event and end; the same oracle, mirror and
    optimum; and the layouts model/world.py refuses are refused."""
    n_cells = 10
    states = every_state(n_cells)
    invalid = [[3, 3, 9], [0, 4, 0], [-1, 2, 9], [2, 5, 10], [1.5, 2, 9]]
    world, refused = run_js(tmp_path, {}, [
        {"ask": "world", "n_cells": n_cells, "states": [[s.layout.as_list(), s.holding_key] for s in states]},
        {"ask": "invalid", "n_cells": n_cells, "layouts": invalid}])
    for state, got in zip(states, world):
        results = [step(state, a) for a in range(len(ACTIONS))]
        assert got["steps"] == [[r.state.agent, r.state.holding_key, r.event, r.done] for r in results], state
        assert got["oracle"] == [oracle_subgoal(state), oracle_action(state)], state
        lay = state.layout
        assert got["mirrored"] == [*lay.mirrored().as_list(), n_cells] and got["optimal"] == lay.optimal_steps
    assert all(message and message.startswith("invalid layout") for message in refused), refused


def test_js_samples_the_doer_s_probabilities_reproducibly(tmp_path, specs):
    """With a seeded random the untrained HRM wanders the same way every time, and its first actions over many
    seeded tries come out as often as the Doer's probabilities say."""
    n_cells, lay, tries = 10, [4, 1, 9], 4000
    wander = {"ask": "episodes", "model": "hrm-00-init", "n_cells": n_cells, "max_steps": 40, "intervention": None,
              "layouts": [lay], "seed": 7}
    first = {"ask": "episodes", "model": "hrm-00-init", "n_cells": n_cells, "max_steps": 1, "intervention": None,
             "layouts": [lay] * tries, "seed": 11}
    once, again, other, firsts = run_js(tmp_path, specs, [wander, wander, wander | {"seed": 8}, first])
    assert once == again and once != other
    episode = once["episodes"][0]
    state = State(Layout(*lay, n_cells), lay[0])
    for s in episode["steps"]:   # the recorded events replay in model/world.py
        result = step(state, ACTIONS.index(s["action"]))
        assert (s["agent"], s["holding_key"], s["event"]) == (state.agent, state.holding_key, result.event)
        state = result.state
    probs = firsts["episodes"][0]["steps"][0]["doer_probs"]
    counts = [sum(e["steps"][0]["action"] == a for e in firsts["episodes"]) for a in ACTIONS]
    for p, count in zip(probs, counts):
        assert abs(count / tries - p) < 4 * (p * (1 - p) / tries) ** 0.5 + 1e-3, (probs, counts)


def test_an_unknown_model_kind_is_an_error(tmp_path, recording_dir, specs):
    saved = torch.load(recording_dir / "checkpoints" / "hrm-final.pt", weights_only=True)
    odd = tmp_path / "odd.pt"
    torch.save(saved | {"kind": "rnn"}, odd)
    with pytest.raises(UserError, match="odd.pt: unknown model kind 'rnn'"):
        model_spec(odd)
    [message] = run_js(tmp_path, {}, [{"ask": "load", "spec": specs["hrm-final"] | {"kind": "rnn"}}])
    assert message is not None and 'unknown model kind "rnn"' in message
