"""The film's sound: each segment's narration in its place over the music bed, brought to its loudness, as AAC.

The voice is alone on the title, the bed is dipped by settings `music.duck_db` wherever the voice speaks (and
through its short pauses), then plays alone again over the tail, fading out. The bed is set `music.volume_db`
relative to the narration's level (so any voice and any music file give the same balance), and the ducking follows
where the voice actually is. A peak limiter, then one gain, bring the mix to its loudness target under the
true-peak ceiling; the voice is limited first, on its own, so that the bed is set against the voice as the film
plays it (`film_mix`).

The mix is numpy over decoded samples (48 kHz stereo float32), a few cheap passes over the whole film. Two things
are cached, because they are what takes time:
- each segment's voice: its narration decoded, resampled, fitted to the segment's length and evened by a gentle
  compressor (one ffmpeg run per narration), keyed by the narration and the length;
- the AAC: the sound is encoded in chunks of CHUNK_FRAMES AAC frames (~10 s), two at a time, each keyed by its own
  samples, and the chunks' frames spliced into one stream. An edit re-encodes only the chunks whose samples changed:
  none before the edited segment, and from it on only if its length changed (the voice then moves against the bed).
For an unchanged stretch to come out bit for bit the same, every pass is local (a sample depends only on samples
near it) and the mix's three film-wide numbers (the bed's gain, the limiter's ceiling, the loudness gain) are
resolved to grids (LOUDNESS_STEP_DB, LEVEL_STEP_DB, CEILING_STEP_DB), so an edit rarely moves them.
"""
from __future__ import annotations

import hashlib
import math
import tempfile
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction
from pathlib import Path

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from core.errors import UserError
from core.files import atomic_output, content_hash, write_json
from core.paths import rel
from core.settings import MusicSettings, Settings
from pipeline.common import made_once
from pipeline.ffmpeg import ANALYSIS_RATE, AUDIO_RATE, aac, ffmpeg, run, samples

STEREO = f"aresample={AUDIO_RATE},aformat=sample_fmts=fltp:channel_layouts=stereo"
COMPRESSOR = "acompressor=threshold=0.06:ratio=3:attack=5:release=120"  # evens the voice: less for the limiter
FADE_IN = 1.0               # seconds: a music file may start abruptly
FADE_OUT = 3.0              # seconds at the end of the tail (or the whole tail if shorter)
LEVEL_WINDOW = 0.05         # s: levels are taken over windows this short, to find the pauses between words
SPEECH_DB = -35.0           # a level window this close to the voice's loudest is speech
SILENT_DB = -70.0           # a music bed whose level is below this is silence, not music
DUCK_LEAD = 0.2             # s: the bed starts to dip this long before the voice (the film is mixed offline)
DUCK_HOLD = 1.0             # s: and stays down through pauses this short (between phrases, across segment pads)
DUCK_RAMP = 0.25            # s: each dip and each swell
LIMIT_MARGIN_DB = 1.0       # below the true-peak ceiling: for inter-sample peaks the sample limiter cannot see, and AAC
MAX_LIMIT_PASSES = 6        # limit, measure, set the ceiling again: 2-3 passes for Piper's voice; espeak's takes all
LIMITER_BLOCK = 48          # samples (1 ms): the limiter decides its gain per block
LIMITER_ATTACK = 5          # blocks: the gain falls over this long before a peak
LIMITER_RELEASE_DB = 0.1    # dB per block: and rises back at this rate after it (6 dB in 60 ms)
# The film-wide numbers' grids (see the module's note). The loudness is set within 0.025 dB of its target; the bed
# within 0.25 dB of its level (a voice's level moves more than its loudness when one line changes, and a quarter
# dB of music is inaudible); the limiter's ceiling within 0.1 dB, on or below its own value, never above.
LOUDNESS_STEP_DB = 0.05
LEVEL_STEP_DB = 0.5
CEILING_STEP_DB = 0.1
AAC_FRAME = 1024            # samples per AAC frame
CHUNK_FRAMES = 470          # AAC frames per encoded chunk: ~10 s, the length of a segment
# The encoder of a chunk hears this much of the film before it (and its frames are dropped): its psychoacoustic
# model and bit reservoir settle, so a splice is as clean as the rest. Measured on this film's sound, the worst
# 4096 samples around any splice: 30 dB SNR with 2 frames, 38.6 dB with 24, against 38.5 dB in one whole encode.
PREROLL_FRAMES = 24
POSTROLL = 2 * AAC_FRAME    # samples after a chunk, so its last frame is encoded as in the whole (MDCT overlap)
# ITU-R BS.1770 K-weighting at 48 kHz (a high-shelf, then the RLB high-pass), as second-order sections
K_WEIGHTING = np.array([[1.53512485958697, -2.69169618940638, 1.19839281085285, 1.0, -1.69065929318241,
                         0.73248077421585],
                        [1.0, -2.0, 1.0, 1.0, -1.99004745483398, 0.99007225036621]])


# --- levels: what `music.volume_db` and `music.duck_db` are measured against (verification measures the same) ----

def window_levels(signal: np.ndarray, rate: int = ANALYSIS_RATE) -> np.ndarray:
    """The level (dB, mean power) of each LEVEL_WINDOW of a mono signal; digital silence is -120."""
    size = round(LEVEL_WINDOW * rate)
    n = len(signal) // size
    power = np.mean(np.square(signal[:n * size], dtype=np.float64).reshape(n, size), axis=1)
    return 10 * np.log10(power + 1e-12)


def speech_windows(levels: np.ndarray) -> np.ndarray:
    """Which level windows of a voice track are speech: those within SPEECH_DB of its loudest."""
    return levels > levels.max() + SPEECH_DB


def level_db(levels: np.ndarray) -> float | None:
    """The level of some windows: their median (robust to a fade, a swell or a stray loud note); None if none."""
    return float(np.median(levels)) if len(levels) else None


def duck_gain(voice_levels: np.ndarray, duck_db: float, tail: int) -> np.ndarray:
    """The bed's gain per level window: 1 in silence, `duck_db` down from DUCK_LEAD before any speech until
    DUCK_HOLD after it, with DUCK_RAMP-long ramps between; from window `tail` on (the tail) the music plays alone,
    so it swells back as the last segment ends."""
    lead, hold, ramp = (max(1, round(s / LEVEL_WINDOW)) for s in (DUCK_LEAD, DUCK_HOLD, DUCK_RAMP))
    speech = speech_windows(voice_levels).astype(float)
    # window i is ducked if speech falls anywhere in [i - hold, i + lead]
    ducked = np.convolve(speech, np.ones(lead + hold + 1))[lead:lead + len(speech)] > 0.5
    ducked[tail:] = False
    depth = np.convolve(ducked.astype(float), np.ones(ramp) / ramp, mode="same")
    return 10 ** (-duck_db * depth / 20)


def on_grid(db: float, step: float, down: bool = False) -> float:
    """A film-wide gain resolved to a grid of `step` dB: the nearest point, or the one at or below it."""
    return round((math.floor(db / step) if down else round(db / step)) * step, 4)


# --- the mix -----------------------------------------------------------------------------------------------------

def read_pcm(path: Path) -> np.ndarray:
    return np.fromfile(path, dtype="<f4").reshape(-1, 2)


def mono(pcm: np.ndarray) -> np.ndarray:
    """Stereo folded to mono as ffmpeg folds it (L + R over √2), so levels read as verification reads them."""
    return (pcm[:, 0] + pcm[:, 1]) * np.float32(0.5 ** 0.5)


def voice_command(source: Path, n: int, out: Path) -> list[str]:
    """A segment's voice: the first audio stream of `source` (a WAV, or a clip's narration), as raw 48 kHz stereo
    float32, exactly `n` samples long, through the compressor."""
    return ffmpeg("-vn", "-i", source, "-af", f"{STEREO},apad,atrim=end_sample={n},{COMPRESSOR}",
                  "-f", "f32le", out)


def segment_voice(source: Path | None, seconds: float, cache: Path) -> Path | None:
    """A segment's voice samples as a raw file (`read_pcm`; None: silence), cached by the narration and the
    length."""
    if source is None:
        return None
    n = samples(seconds)
    Path(cache).mkdir(parents=True, exist_ok=True)
    return made_once(Path(cache) / f"{content_hash('voice-v1', Path(source), n, COMPRESSOR)}.f32",
                     lambda out: run(voice_command(source, n, out), f"{rel(source)}: voice"))


def film_voice(voices: list[Path | None], placements: list, music: MusicSettings, cache: Path) -> np.ndarray:
    """Every segment's voice in its place (and silence over the tail), as one array; the voices are made two at
    a time (ffmpeg runs apart) and read one by one into it."""
    with ThreadPoolExecutor(2) as pool:
        made = list(pool.map(lambda v, p: segment_voice(v, p.seconds, cache), voices, placements))
    lengths = [samples(p.seconds) for p in placements]
    voice, at = np.zeros((sum(lengths) + samples(music.tail_seconds), 2), np.float32), 0
    for path, source, n in zip(made, voices, lengths):
        if path is not None:
            pcm = read_pcm(path)
            if len(pcm) != n:
                raise UserError(f"{rel(source)}: its voice came out {len(pcm)} samples long, not {n}")
            voice[at:at + n] = pcm
        at += n
    return voice


def bed_samples(bed: Path, n: int, cache: Path) -> np.ndarray:
    """`n` samples of the music, looped if the file is shorter (decoded once per file)."""
    Path(cache).mkdir(parents=True, exist_ok=True)
    pcm = read_pcm(made_once(Path(cache) / f"{content_hash('bed-pcm-v1', Path(bed))}.f32",
                             lambda out: run(ffmpeg("-i", bed, "-af", STEREO, "-f", "f32le", out),
                                             f"{rel(bed)}: music")))
    if not len(pcm):
        raise UserError(f"{rel(bed)}: the music bed holds no sound")
    return pcm[:n] if len(pcm) >= n else np.tile(pcm, (-(-n // len(pcm)), 1))[:n]


def bed_envelope(voice_levels: np.ndarray, n: int, music: MusicSettings) -> np.ndarray:
    """The bed's gain for each of `n` samples, before its level: ducked under the voice (`duck_gain`), faded in,
    and faded out over the tail."""
    tail = round((n / AUDIO_RATE - music.tail_seconds) / LEVEL_WINDOW)
    duck = duck_gain(voice_levels, music.duck_db, tail).astype(np.float32)
    # straight lines between the windows' centres, window by window (a float32 curve, not numpy's float64 interp)
    size = round(LEVEL_WINDOW * AUDIO_RATE)
    ends = np.concatenate([duck[:1], duck, duck[-1:], duck[-1:].repeat(-(-n // size) - len(duck) + 1)])
    share = (np.arange(size, dtype=np.float32) + np.float32(0.5)) / size           # where in its window a sample is
    first = share < 0.5                                  # the first half leans on the window before, the rest after
    frac = np.where(first, share + np.float32(0.5), share - np.float32(0.5))
    windows = -(-n // size)
    left = np.where(first, ends[:windows, None], ends[1:windows + 1, None])
    right = np.where(first, ends[1:windows + 1, None], ends[2:windows + 2, None])
    envelope = (left + (right - left) * frac).ravel()[:n]
    rise, fall = samples(FADE_IN), samples(min(FADE_OUT, music.tail_seconds))
    envelope[:rise] *= np.arange(rise, dtype=np.float32) / rise                  # straight fades, as ffmpeg's afade
    envelope[n - fall:] *= np.arange(fall, 0, -1, dtype=np.float32) / fall
    return envelope


def block_peaks(mix: np.ndarray) -> np.ndarray:
    """The highest sample (either channel) of each LIMITER_BLOCK block."""
    blocks = -(-len(mix) // LIMITER_BLOCK)
    padded = np.pad(mix, ((0, blocks * LIMITER_BLOCK - len(mix)), (0, 0)))
    return np.abs(padded.reshape(blocks, 2 * LIMITER_BLOCK)).max(axis=1)    # a block's two channels, interleaved


def limiter_gain(peaks: np.ndarray, ceiling: float) -> np.ndarray | None:
    """Each LIMITER_BLOCK block's gain (both channels alike) that keeps every sample within `ceiling`, given the
    `block_peaks`; None if none is above it. A block's gain is the least any earlier block needs, raised by
    LIMITER_RELEASE_DB per block since (a release that cannot flutter); each block then takes the lowest of
    those within LIMITER_ATTACK + 1 blocks, averaged over 2·LIMITER_ATTACK + 1 blocks: so every block's gain is at
    most what it and its two neighbours need, and the straight line between two blocks' gains (`limit` gives it to
    each sample) never lets a peak through."""
    if peaks.max() <= ceiling:
        return None
    need_db = 20 * np.log10(np.minimum(1.0, ceiling / np.maximum(peaks, 1e-12)))
    rise = LIMITER_RELEASE_DB * np.arange(len(peaks))
    # min over earlier blocks k of need(k) + release·(b - k), as one running minimum
    released = 10 ** (np.minimum(0.0, rise + np.minimum.accumulate(need_db - rise)) / 20)
    a = LIMITER_ATTACK
    lowest = sliding_window_view(np.pad(released, a + 1, constant_values=1.0), 2 * a + 3).min(axis=1)
    smooth = np.convolve(np.pad(lowest, a, constant_values=1.0), np.ones(2 * a + 1) / (2 * a + 1), mode="valid")
    return np.minimum(smooth, 1.0)          # (eleven elevenths of 1 add up to a hair above it)


def limit(mix: np.ndarray, gain: np.ndarray) -> np.ndarray:
    """Apply `limiter_gain`'s block gains to `mix` in place, each sample's interpolated between block centres;
    only blocks at or beside a gain below 1 are touched. Returns the indices of the blocks touched."""
    below = gain < 1.0
    touched = np.flatnonzero(below | np.pad(below[1:], (0, 1)) | np.pad(below[:-1], (1, 0)))
    centres = (np.arange(len(gain)) + 0.5) * LIMITER_BLOCK
    for batch in range(0, len(touched), 8192):            # 8192 blocks at a time: a few MB of indices, not 100s
        at = (touched[batch:batch + 8192, None] * LIMITER_BLOCK + np.arange(LIMITER_BLOCK)).ravel()
        at = at[at < len(mix)]
        mix[at] *= np.interp(at, centres, gain).astype(np.float32)[:, None]
    return touched


def k_weighting_power(size: int) -> np.ndarray:
    """|H|² of the K-weighting at the bins of a `size`-sample real FFT, doubled where a bin stands for two."""
    z = np.exp(-2j * np.pi * np.arange(size // 2 + 1) / size)
    response = np.prod([(b0 + b1 * z + b2 * z * z) / (1 + a1 * z + a2 * z * z)
                        for b0, b1, b2, _, a1, a2 in K_WEIGHTING], axis=0)
    power = np.abs(response) ** 2
    power[1:size // 2 + size % 2] *= 2
    return power


LOUDNESS_HOP = AUDIO_RATE // 10        # BS.1770's blocks are 400 ms long and start every 100 ms


def hop_powers(mix: np.ndarray) -> np.ndarray:
    """The K-weighted power of each 100 ms of 48 kHz stereo (channels summed), taken from its spectrum
    (Parseval) rather than by running the filter: no filter library, each 100 ms apart (so a change is measured
    again where it is only), and within 0.001 LU of the filter run in time on this film's sound (-14.0224 against
    -14.0216 LUFS). Worked through 256 hops (25 s) at a time, in float64 (numpy's float64 FFT is the faster)."""
    n = len(mix) // LOUDNESS_HOP
    weights, powers = k_weighting_power(LOUDNESS_HOP) / LOUDNESS_HOP ** 2, np.empty(n)
    for first in range(0, n, 256):
        last = min(n, first + 256)
        hops = mix[first * LOUDNESS_HOP:last * LOUDNESS_HOP].reshape(-1, LOUDNESS_HOP, 2).transpose(0, 2, 1)
        spectrum = np.fft.rfft(hops.astype(np.float64), axis=2)
        power = np.square(spectrum.real)
        power += np.square(spectrum.imag)
        powers[first:last] = (power @ weights).sum(axis=1)
    return powers


def integrated_loudness(powers: np.ndarray) -> float:
    """ITU-R BS.1770 integrated loudness (LUFS) from `hop_powers`: 400 ms blocks every 100 ms, gated at -70 LUFS
    and then 10 LU below the mean of what passed."""
    if len(powers) < 4:
        raise ValueError("shorter than one 400 ms loudness block")
    blocks = sliding_window_view(powers, 4).mean(axis=1)
    loudness = -0.691 + 10 * np.log10(blocks + 1e-20)
    audible = loudness > -70.0
    if not audible.any():
        return -70.0
    gate = -0.691 + 10 * np.log10(blocks[audible].mean()) - 10.0
    return float(-0.691 + 10 * np.log10(blocks[audible & (loudness > gate)].mean()))


def limited(mix: np.ndarray, room_db: float, powers: np.ndarray | None = None) -> tuple[np.ndarray, dict]:
    """`mix` limited so that no sample is more than `room_db` above its loudness (the room the film's loudness and
    true-peak targets leave). Limiting lowers the loudness (a peaky voice's by a few LU), and so the ceiling, so
    the unlimited mix is limited again under each new ceiling, and measured again where the limiter worked, until
    the ceiling stays put. Returns the limited copy (or `mix` itself, if nothing was above) and the measurements:
    the loudness before, each pass's ceiling and loudness, and the loudness after ("lufs"). `powers`: the mix's
    `hop_powers`, if the caller has them already."""
    powers = hop_powers(mix) if powers is None else powers
    unlimited = integrated_loudness(powers)
    peaks, measured, passes, out = block_peaks(mix), unlimited, [], mix
    for _ in range(MAX_LIMIT_PASSES):
        ceiling_db = on_grid(measured + room_db, CEILING_STEP_DB, down=True)
        block_gain = limiter_gain(peaks, 10 ** (ceiling_db / 20))
        if block_gain is None:
            out, measured = mix, unlimited
            break
        out = mix.copy()
        hops = np.unique(limit(out, block_gain) * LIMITER_BLOCK // LOUDNESS_HOP)
        hops = hops[hops < len(powers)]
        limited_powers = powers.copy()
        limited_powers[hops] = hop_powers(out[(hops[:, None] * LOUDNESS_HOP + np.arange(LOUDNESS_HOP)).ravel()])
        measured = integrated_loudness(limited_powers)
        passes.append({"ceiling_db": ceiling_db, "lufs": round(measured, 3)})
        if on_grid(measured + room_db, CEILING_STEP_DB, down=True) >= ceiling_db:
            break
    return out, {"unlimited_lufs": round(unlimited, 3), "passes": passes, "lufs": round(measured, 3)}


def film_mix(voice: np.ndarray, bed: np.ndarray, music: MusicSettings, what: str, bed_file: Path
             ) -> tuple[np.ndarray, dict, dict]:
    """The voice over the bed (ducked under it, faded in and out), limited, and brought by one gain to
    `music.loudness_lufs` with its samples LIMIT_MARGIN_DB under the true-peak ceiling.

    The bed is set `music.volume_db` against the voice as the film plays it, after limiting: a peaky voice
    loses several dB to the limiter, and a bed set against it before would stand out by as much. So the voice is
    limited first, on its own, to the room the targets leave above the mix's loudness (how far the mix's
    loudness lies from the voice's is taken from the unlimited mix: the bed alone on the title, the tail and the
    pauses lowers it); the bed is set against what is left; the mix is limited once more where the two together
    reach further. (Limiting the mix with the bed following the voice down does not settle: each lower ceiling
    lowers the bed and the loudness with it.) Returns the sound, the levels and the loudness measurements."""
    voice_levels = window_levels(mono(voice), AUDIO_RATE)
    bed_db = level_db(window_levels(mono(bed), AUDIO_RATE))
    if bed_db is None or bed_db < SILENT_DB:
        raise UserError(f"{rel(bed_file)}: the music bed is silent")
    if not len(voice_levels) or voice_levels.max() < SILENT_DB:
        raise UserError(f"{what}: no narration in the clips (the music's level is set relative to the voice)")
    speech = speech_windows(voice_levels)
    envelope = bed_envelope(voice_levels, len(voice), music)
    room_db = music.true_peak_db - LIMIT_MARGIN_DB - music.loudness_lufs

    def bed_gain_against(heard_levels: np.ndarray) -> tuple[float, float]:
        heard_db = level_db(heard_levels[speech])
        return heard_db, on_grid(music.volume_db + heard_db - bed_db, LEVEL_STEP_DB)

    def bed_part(bed_gain_db: float) -> np.ndarray:
        return bed * (envelope * np.float32(10 ** (bed_gain_db / 20)))[:, None]

    voice_db, bed_gain_db = bed_gain_against(voice_levels)
    voice_powers = hop_powers(voice)
    offset = integrated_loudness(hop_powers(voice + bed_part(bed_gain_db))) - integrated_loudness(voice_powers)
    heard, voice_loudness = limited(voice, room_db + offset, voice_powers)
    del voice
    heard_db, bed_gain_db = bed_gain_against(window_levels(mono(heard), AUDIO_RATE))
    heard += bed_part(bed_gain_db)          # the mix, in the heard voice's array (the voice's, if none was limited)
    sound, loudness = limited(heard, room_db)
    # the gain to the target, or less if the limiter stopped short (MAX_LIMIT_PASSES): the peaks' ceiling comes first
    peak_db = 20 * np.log10(block_peaks(sound).max() + 1e-12)
    gain = min(on_grid(music.loudness_lufs - loudness["lufs"], LOUDNESS_STEP_DB),
               on_grid(music.true_peak_db - LIMIT_MARGIN_DB - peak_db, LOUDNESS_STEP_DB, down=True))
    sound *= np.float32(10 ** (gain / 20))
    levels = {"voice_db": round(voice_db, 2), "heard_voice_db": round(heard_db, 2), "bed_db": round(bed_db, 2),
              "bed_gain_db": bed_gain_db}
    return sound, levels, {"voice": voice_loudness, "mix_below_voice_lu": round(-offset, 3), **loudness,
                           "gain_db": gain, "peak_db": round(float(peak_db + gain), 2)}


# --- AAC, in chunks ------------------------------------------------------------------------------------------------

def adts_frames(stream: bytes) -> list[bytes]:
    """An ADTS stream cut into its frames (each header holds its frame's length)."""
    frames, at = [], 0
    while at + 7 <= len(stream):
        if stream[at] != 0xFF or stream[at + 1] & 0xF0 != 0xF0:
            raise ValueError(f"no ADTS frame at byte {at}")
        length = (stream[at + 3] & 3) << 11 | stream[at + 4] << 3 | stream[at + 5] >> 5
        frames.append(stream[at:at + length])
        at += length
    return frames


def chunk_starts(n: int) -> list[int]:
    return list(range(0, n, CHUNK_FRAMES * AAC_FRAME))


def encode_chunk(sound: np.ndarray, start: int, cache: Path, what: str) -> bytes:
    """The AAC frames of sound[start : start + a chunk] (the first chunk also keeps the encoder's priming frame),
    cached by the samples its encoder hears: the pre-roll, the chunk and the post-roll."""
    end = min(len(sound), start + CHUNK_FRAMES * AAC_FRAME)
    preroll = min(start, PREROLL_FRAMES * AAC_FRAME)
    heard = np.ascontiguousarray(sound[start - preroll:min(len(sound), end + POSTROLL)])
    # frame k of an encode stands for input samples [(k - 1)·1024, k·1024): frame 0 is the encoder's priming
    first = 0 if start == 0 else preroll // AAC_FRAME + 1
    count = -(-(end - start) // AAC_FRAME) + (1 if start == 0 else 0)
    key = content_hash("aac-chunk-v1", hashlib.sha256(heard.data).hexdigest(), preroll, first, count, aac())

    def encode(out: Path) -> None:
        with tempfile.TemporaryDirectory(prefix=".chunk-", dir=out.parent) as work:
            pcm, encoded = Path(work) / "in.f32", Path(work) / "out.aac"
            heard.tofile(pcm)
            run(ffmpeg("-f", "f32le", "-ar", AUDIO_RATE, "-ac", 2, "-i", pcm, *aac(), "-f", "adts", encoded),
                f"{what}: encode at {start / AUDIO_RATE:.1f} s")
            frames = adts_frames(encoded.read_bytes())[first:first + count]
            if len(frames) != count:
                raise UserError(f"{what}: the encoder gave {len(frames)} frames at {start / AUDIO_RATE:.1f} s, "
                                f"not {count}")
            out.write_bytes(b"".join(frames))

    Path(cache).mkdir(parents=True, exist_ok=True)
    return made_once(Path(cache) / f"{key}.aac", encode).read_bytes()


def write_m4a(stream: bytes, n: int, out: Path) -> None:
    """ADTS frames into an .m4a: the first frame is the encoder's priming (an edit list skips it, as the encoder's
    own muxing does) and the last is cut to the sound's `n` samples."""
    import av      # PyAV (with the video extra) writes the timestamps ffmpeg's command line cannot set on a copy
    with tempfile.TemporaryDirectory(prefix=".m4a-", dir=out.parent) as work:
        adts = Path(work) / "sound.aac"
        adts.write_bytes(stream)
        with av.open(str(adts)) as source, av.open(str(out), "w", format="ipod") as film:
            into = film.add_stream_from_template(source.streams.audio[0])
            into.time_base = Fraction(1, AUDIO_RATE)
            packets = [p for p in source.demux(source.streams.audio[0]) if p.size]
            for k, packet in enumerate(packets):
                packet.stream, packet.time_base = into, into.time_base
                packet.pts = packet.dts = (k - 1) * AAC_FRAME
                packet.duration = AAC_FRAME if k < len(packets) - 1 else n - (len(packets) - 2) * AAC_FRAME
                film.mux(packet)


# --- the film's sound --------------------------------------------------------------------------------------------

def soundtrack_data(soundtrack: Path) -> Path:
    """What the soundtrack was set from (levels, loudness passes), written beside it."""
    return Path(soundtrack).with_suffix(".json")


def make_soundtrack(voices: list[Path | None], placements: list, music_bed: Path, out: Path, settings: Settings,
                    cache: Path) -> dict:
    """The film's sound (AAC in an .m4a): each segment's voice (a file whose first audio stream is its narration,
    or None for silence) in its placement, over the music bed, through the tail, loudness-normalised; voices and
    AAC chunks are cached in `cache`. Returns, and writes beside it (`soundtrack_data`), its levels and loudness."""
    out, music, what = Path(out), settings.music, rel(out)
    if not placements:
        raise UserError(f"{what}: no segments to lay the sound under")
    if not Path(music_bed).is_file():
        raise UserError(f"{rel(music_bed)}: missing music bed")
    cache, n = Path(cache), sum(samples(p.seconds) for p in placements) + samples(music.tail_seconds)
    bed = bed_samples(Path(music_bed), n, cache / "music")
    # (the voice is film_mix's alone, so it can let go of it: each copy of a film's sound is 100 MB)
    sound, levels, loudness = film_mix(film_voice(voices, placements, music, cache / "voices"), bed, music, what,
                                       Path(music_bed))
    with ThreadPoolExecutor(2) as pool:      # ffmpeg runs apart: two chunks at once
        chunks = list(pool.map(lambda s: encode_chunk(sound, s, cache / "aac", what), chunk_starts(len(sound))))
    with atomic_output(out) as tmp:
        write_m4a(b"".join(chunks), len(sound), tmp)
    data = {"levels": levels, "loudness": loudness}
    write_json(soundtrack_data(out), data)
    return data
