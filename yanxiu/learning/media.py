"""What an uploaded course video says about itself: its length, read with MediaInfo.

The study clock caps each video's counted time at its length, so the length comes from
the file wherever the file tells it, not from what the author types.
"""

from __future__ import annotations

import math

from django.core.files import File
from pymediainfo import MediaInfo


def video_seconds(file: File[bytes]) -> int | None:
    """The video's length in whole seconds (rounded up), or None if the file does not say
    (not a video, or a recording that never wrote its length, as browsers' MediaRecorder
    WebM files do)."""
    file.seek(0)
    try:
        info = MediaInfo.parse(file)
    except (OSError, RuntimeError, ValueError):
        return None
    finally:
        file.seek(0)
    lengths = [
        float(track.duration)
        for track in info.tracks
        if track.track_type in ("General", "Video") and track.duration
    ]
    if not lengths or not info.video_tracks:
        return None
    return math.ceil(max(lengths) / 1000)
