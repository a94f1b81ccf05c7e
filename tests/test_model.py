"""The mechanism the film describes, checked on the model itself: the Planner's sub-goal drives the Doer, the action
loss reaches the Planner, the base stage never shows the task, and the study follows a typical run, not the best."""
import torch
import torch.nn.functional as F

from core.settings import load_settings
from model.checks import planner_gradient
from model.data import DOOR, KEY, MEMORY, goal_actions, skills
from model.hrm import HRM
from model.rollout import Intervention, decide
from model.run import Run
from model.study import VARIANTS, Job, median_run, plan
from model.world import GO_TO_DOOR, Layout

CFG = load_settings()


def untrained_hrm() -> HRM:
    torch.manual_seed(0)
    return HRM(CFG.model, CFG.world.n_cells + 1, 5)


def test_the_action_loss_reaches_the_planner():
    run = Run(CFG)
    assert planner_gradient(untrained_hrm(), run.demos.x, run.demos.action) > 1e-4


def test_the_doer_acts_on_the_sub_goal_it_is_handed():
    """An untrained Doer already depends on its sub-goal: handing it another one changes its action logits."""
    model, run = untrained_hrm(), Run(CFG)
    x = run.demos.x
    logits = [decide(model, x, F.one_hot(torch.full((len(x),), g), 3).float()).doer for g in range(3)]
    assert all((logits[a] - logits[b]).abs().max() > 1e-3 for a in range(3) for b in range(a))


def test_planner_and_doer_parameters_split_the_model():
    model = untrained_hrm()
    planner, doer = {id(p) for p in model.planner_params}, {id(p) for p in model.doer_params}
    halting = {id(p) for p in model.q_head.parameters()}
    assert not planner & doer and planner | doer | halting == {id(p) for p in model.parameters()}


def test_goal_actions_carry_out_the_oracle_sub_goal_on_every_demonstrated_state():
    run = Run(CFG)
    targets = goal_actions(run.demos.x)
    assert torch.equal(targets[torch.arange(len(targets)), run.demos.subgoal], run.demos.action)


def test_the_base_stage_never_shows_a_state_of_the_task():
    """Doors only inside the row (the task's door is at an end), and each told skill's action is what goal_actions
    says that sub-goal means there."""
    n = CFG.world.n_cells
    for told in (True, False):
        base = skills(n, 256, seed=1, told=told)
        doors = base.x[:, 1:, DOOR]
        assert not doors[:, 0].any() and not doors[:, n - 1].any()
        assert (base.x[:, 0, MEMORY] == 1).all() and (base.subgoal == -1).all()
        if told:
            t = goal_actions(base.x)
            assert torch.equal(t[torch.arange(len(t)), base.told], base.action)
            assert ((base.x[:, 1:, KEY].sum(1) + doors.sum(1)) == 2).all()   # every row: its mark and the other


def test_every_variant_is_trained_on_every_seed_and_the_sweep_on_its_seeds():
    cfg = load_settings(train={"runs": 3, "sweep_runs": 2}, data={"sweep": [1, 10, 20]})
    jobs = plan(cfg)
    assert {(j.variant, j.seed) for j in jobs if j.main} == {(v, s) for v in VARIANTS for s in (7, 8, 9)}
    sweep = {(j.variant, j.seed, j.n_train) for j in jobs if not j.main}
    assert sweep == {(v, s, n) for v in ("hrm", "flat") for s in (7, 8) for n in (1, 20)}
    assert Job("no_base", 7, 10, True).base is None


def test_the_followed_run_is_the_median_not_the_best():
    shares = (1.0, 0.5, 0.9, 0.7, 1.0)
    finals = {s: {"heldout_success": v, "heldout_mean_steps": 10.0} for s, v in enumerate(shares)}
    assert median_run(finals)[0] == 2
    tied = {s: {"heldout_success": 1.0, "heldout_mean_steps": 10.0 + s} for s in range(4)}
    assert median_run(tied)[0] == 2   # ranked by fewer steps among equals: 3, 2 | 1, 0 → lower middle


def test_an_intervention_is_recorded_exactly_on_its_steps():
    run = Run(CFG)
    episode = run.episodes(untrained_hrm(), [Layout(4, 1, 9, 10)], None, intervention=Intervention(GO_TO_DOOR, 1, 4))[0]
    told = [i for i, s in enumerate(episode.steps) if s["told"]]
    assert told == [1, 2, 3][:len(episode.steps) - 1]
    assert all(episode.steps[i]["subgoal"] == "go_to_door" for i in told)

