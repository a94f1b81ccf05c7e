import pytest

from core.errors import UserError
from core.settings import load_settings
from model.record import main


def write(tmp_path, text):
    p = tmp_path / "settings.yaml"
    p.write_text(text)
    return p


@pytest.mark.parametrize("text, key", [
    ("seed: 1\nmodel:\n  hiden: 32\n", "model.hiden"),
    ("seed: 1\nwrold:\n  n_cells: 10\n", "wrold"),
    ("seed: 1\nworld:\n  n_cells: 2\n", "world.n_cells"),
    ("seed: 1\ndata:\n  n_train: 80\n", "data.n_train"),
    ("seed: 1\ntrain:\n  lr: fast\n", "train.lr"),
    ("seed: 1\ndata:\n  showcase: [[3, 3]]\n", "data.showcase"),
])
def test_bad_config_names_the_key(tmp_path, text, key):
    path = write(tmp_path, text)
    with pytest.raises(UserError) as err:
        load_settings(path)
    message = str(err.value)
    assert key in message and str(path) in message and "\n" not in message


def test_malformed_yaml_names_the_line(tmp_path):
    path = write(tmp_path, "seed: 1\nworld:\n  n_cells: [10\n")
    with pytest.raises(UserError, match=r"settings.yaml:\d+: malformed YAML"):
        load_settings(path)


def test_record_cli_fails_cleanly_and_writes_nothing(tmp_path, capsys):
    path = write(tmp_path, "seed: 1\nworld:\n  n_cells: 2\n")
    out = tmp_path / "model"
    assert main(["--config", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "world.n_cells" in err
    assert not out.exists() and not out.with_name("model.tmp").exists()
