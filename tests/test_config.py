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
    ("seed: 1\ndata:\n  showcase: []\n", "data.showcase"),
    ("seed: 1\nvideo:\n  jobs: 0\n", "video.jobs"),
    ("seed: 1\nvideo:\n  preview_width: 0\n", "video.preview_width"),
    ("seed: 1\nvideo:\n  fps: 0\n", "video.fps"),
    ("seed: 1\nvideo:\n  fps: 29.97\n", "video.fps"),              # frames per second are whole
    ("seed: 1\nvideo:\n  width: 1921\n", "video.width"),
    ("seed: 1\nvideo:\n  height: 1081\n", "video.height"),
    ("seed: 1\nvideo:\n  crf: 60\n", "video.crf"),
    ("seed: 1\nmusic:\n  loudness_lufs: 3.0\n", "music.loudness_lufs"),
    ("seed: 1\ntrain:\n  lr: 0\n", "train.lr"),
    ("seed: 1\navatar:\n  scale: 0\n", "avatar.scale"),
])
def test_bad_config_names_the_key_and_its_line(tmp_path, text, key):
    path = write(tmp_path, text)
    with pytest.raises(UserError) as err:
        load_settings(path)
    message = str(err.value)
    line = next(n for n, written in enumerate(text.splitlines(), 1) if written.strip().startswith(key.split(".")[-1]))
    assert key in message and f"{path}:{line}: " in message and "\n" not in message


def test_a_key_written_twice_is_an_error_at_the_second(tmp_path):
    path = write(tmp_path, "seed: 1\nvideo:\n  fps: 30\n  width: 1280\n  fps: 24\n")
    with pytest.raises(UserError, match=r"settings.yaml:5: duplicate key 'video.fps' \(first on line 3\)"):
        load_settings(path)


def test_the_project_settings_are_valid():
    assert load_settings().video.jobs >= 1


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
