"""The world map of where data goes, drawn as SVG on the server with pygal: no CDN, no script."""

import gzip
import re
from functools import lru_cache

from pygal.style import Style
from pygal_maps_world.maps import World

from transfers.adequacy import CountryStatus

# The same colours as the legend's swatches under the map (.swatch-* in static/registry.css).
COLOURS = {
    CountryStatus.EEA: "#1d6b3a",
    CountryStatus.ADEQUATE: "#2f6fb5",
    CountryStatus.PARTIALLY_ADEQUATE: "#6a4fc0",
    CountryStatus.THIRD_COUNTRY: "#c26a00",
}
_SCRIPT = re.compile(rb"<script.*?</script>", re.DOTALL)
_COMMENT = re.compile(rb"<!--.*?-->", re.DOTALL)  # pygal's carries the day it drew the map


@lru_cache(maxsize=32)
def world_map(
    countries: tuple[tuple[str, str], ...], legend: tuple[str, ...]
) -> tuple[bytes, bytes]:
    """The map as SVG, plain and gzipped: `countries` pairs each alpha-2 code with its status,
    `legend` names the statuses in the order of CountryStatus (each country's title). Cached: the
    same inputs draw once.

    The legend is not drawn: scaled down to a phone's width it would be a few pixels tall, so
    the page gives it under the map as text."""
    order = list(CountryStatus)
    chart = World(
        js=[],
        width=1000,
        height=520,
        show_legend=False,
        style=Style(
            background="white",
            plot_background="white",
            font_family="system-ui, sans-serif",
            colors=tuple(COLOURS[status] for status in order),
        ),
    )
    chart.uuid = "transfers-map"  # pygal's default is random: the same map must be the same bytes
    for status, label in zip(order, legend, strict=True):
        chart.add(label, [code.lower() for code, value in countries if value == status.value])
    svg = _COMMENT.sub(b"", _SCRIPT.sub(b"", chart.render()))
    return svg, gzip.compress(svg, mtime=0)
