"""One palette for every figure and the dashboard.

Kinds of organisation get Paul Tol's "muted" qualitative scheme (Tol 2021, *Colour Schemes*,
SRON/EPS/TN/09-002), designed so that every colour stays distinct with the common forms of
colour-blindness and on a projector; acute trusts and local authorities, the two largest
groups after primary care, sit far apart in hue. Plain constants only (no matplotlib), so
both the figures and the browser dashboard read the same values.
"""

from __future__ import annotations

#: Okabe and Ito (2008), colour-blind-friendly qualitative palette (black last), for series
#: that are not kinds of organisation.
OKABE_ITO: tuple[str, ...] = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
    "#000000",  # black
)

#: Fixed colour of each kind of organisation (same in every figure and in the dashboard).
KIND_COLOURS: dict[str, str] = {
    "icb": "#332288",  # indigo
    "acute": "#CC6677",  # rose
    "community": "#44AA99",  # teal
    "mental_health": "#AA4499",  # purple
    "ambulance": "#DDCC77",  # sand
    "primary_care": "#88CCEE",  # cyan
    "local_authority": "#117733",  # green
    "vcse": "#999933",  # olive
}

#: Colour for anything without a kind.
UNKNOWN_COLOUR = "#999999"

#: Trust from none (pale) to full (dark): a single-hue ramp that does not compete with the
#: kind colours and reads in greyscale.
TRUST_RAMP: tuple[str, str, str] = ("#e6e6e6", "#8c8c8c", "#1a1a1a")
