"""`just review`: a sheet of the frames at a segment's cue words, labelled with the word, and a 2 fps strip."""
import json
import subprocess

import pytest
from PIL import Image

from core.errors import UserError
from pipeline.review import review


def film_with_one_segment(tmp_path):
    """A 3 s test picture standing for segment 06 (starting 1 s into the film), its layout and narration."""
    film = tmp_path / "film.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x180:rate=10:duration=4",
                    str(film)], check=True)
    report = tmp_path / "report.json"
    report.write_text(json.dumps({"segments": [{"id": "06-task-intro", "start": 1.0, "seconds": 3.0}]}))
    narration = tmp_path / "narration"
    narration.mkdir()
    words = [{"word": "A", "start": 0.3, "end": 0.5}, {"word": "row", "start": 0.5, "end": 0.9},
             {"word": "key", "start": 1.6, "end": 2.0}]
    (narration / "06-task-intro.json").write_text(json.dumps({"marks": {"key": 1.6, "row": 0.5}, "words": words}))
    return film, report, narration


def test_review_writes_a_labelled_cue_sheet_and_a_strip(tmp_path):
    film, report, narration = film_with_one_segment(tmp_path)
    cues, strip = review(["06"], film, report, narration, tmp_path / "out")
    assert cues.name == "06-task-intro-cues.png" and strip.name == "06-task-intro-strip.png"
    tile_h = round(480 * 180 / 320)
    assert Image.open(cues).size == (3 * 480, 48 + tile_h + 56)             # two cue marks: one row of tiles
    assert Image.open(strip).size[0] == 8 * 240                             # 3 s at 2 fps: 7 frames, one row


def test_review_names_a_segment_the_film_does_not_have(tmp_path):
    film, report, narration = film_with_one_segment(tmp_path)
    with pytest.raises(UserError, match=r"report\.json: segment '07-task-goal' is not in the rendered film"):
        review(["07"], film, report, narration, tmp_path / "out")
