#!/usr/bin/env python3
"""Write reference-hall.yaml: 128 GB200 NVL72 racks in 8 rows of 16, N+1 CDUs, 2N power.

Run from this folder: python3 generate-reference-hall.py > reference-hall.yaml
"""

ROWS = 8
RACKS_PER_ROW = 16
CDUS_PER_ROW = 3
CRAHS_PER_ROW = 2
DRY_COOLERS = 9
CHILLERS = 2
TOWERS = 2
TRANSFORMERS_PER_SIDE = 4

RACK = "parts/gb200-nvl72/revisions/a"
PARTS = {
    "cdu": "parts/cdu-1350/revisions/a",
    "crah": "parts/crah-300/revisions/a",
    "dry": "parts/dry-cooler-2000/revisions/a",
    "chiller": "parts/mcquay-pfh-2124/revisions/a",
    "tower": "parts/cooling-tower-2500/revisions/a",
    "ups": "parts/ups-2000/revisions/a",
    "rpp": "parts/rpp-1000/revisions/a",
    "transformer": "parts/transformer-4000/revisions/a",
    "utility": "parts/utility-feed-20mw/revisions/a",
}

HEADER = """\
# Reference hall: 128 NVIDIA GB200 NVL72 racks in 8 rows of 16, 15.4 MW IT at 120 kW design
# power per rack. The racks are liquid cooled through 3 CDUs per row at N+1. Power is 2N: each
# rack takes an A and a B feed, and each path runs through its own RPP, UPS, transformer and
# utility feed.
# Facility water comes from 9 dry coolers at N+1; the air-side heat (about 10 % of the rack
# heat) goes to 2 CRAHs per row on 2 chillers with 2 cooling towers, each at N+1. Electrical
# feeds of the mechanical equipment are not modeled.
#
# Sizing at design load, per redundancy group (capacity counted at the declared redundancy):
#   RPP pair (8 racks):        960 kW on one 1,000 kW RPP
#   UPS pair (1 row):        1,920 kW on one 2,000 kW UPS
#   transformer pair (2 rows): 3,840 kW on one 4,000 kW transformer
#   utility pair (hall):    15,360 kW on one 20,000 kW feed
#   CDUs of a row:           1,728 kW on 2 of 3 x 1,350 kW
#   dry coolers:            13,824 kW on 8 of 9 x 2,000 kW
#
# Import after catalog.yaml: bin/factoryctl design import examples/reference-hall.yaml
# Written by generate-reference-hall.py in this folder; change the script, not this file.
"""


def site(name, lat, lon, elevation, weather, grid, solar_kw=None):
    lines = [
        f"    display_name: {name}",
        f"    latitude_deg: {lat}",
        f"    longitude_deg: {lon}",
        f"    elevation_m: {elevation}",
        f"    weather_data_set: {weather}",
        "    power_source:",
        f"      grid_region: {grid}",
    ]
    if solar_kw:
        lines += [
            "      on_site_generation:",
            f"      - {{kind: SOLAR_PV, capacity_kw: {solar_kw}}}",
        ]
    return lines


def main():
    out = [HEADER, "designs:", "- id: reference-hall",
           "  display_name: Reference hall, 128 GB200 NVL72",
           "  description: Three-site study hall after the configurations of NVIDIA's DSX Blueprint.",
           "  change_summary: First issue.",
           "  site:"]
    # Coordinates and elevations are from the LOCATION line of each EPW weather file.
    leesburg = ("Leesburg, Virginia", 39.078, -77.558, 119.0, "USA_VA_Leesburg.Exec.epw", "PJM")
    out += site(*leesburg)
    out += ["  halls:", "  - {id: hall-1, display_name: Hall 1}", "  rows:"]
    for r in range(1, ROWS + 1):
        out.append(f"  - {{id: hall-1.row-{r:02d}, position: {{x_m: 0, y_m: {(r - 1) * 3.6:.1f}}}}}")

    placements, connections, groups = [], [], []

    def place(pid, part, x=None, y=None):
        position = "" if x is None else f", position: {{x_m: {x:.1f}, y_m: {y:.1f}}}"
        placements.append(f"  - {{id: {pid}, part_revision: {part}{position}}}")

    def connect(source, source_port, target, target_port):
        connections.append(
            f"  - {{source_placement: {source}, source_port: {source_port},"
            f" target_placement: {target}, target_port: {target_port}}}")

    def group(gid, redundancy, members):
        groups.append(f"  - {{id: {gid}, redundancy: {redundancy}, members: [{', '.join(members)}]}}")

    # Power, site level: two utility feeds and the transformers of each path.
    for side in "ab":
        place(f"utility-{side}", PARTS["utility"])
        for t in range(1, TRANSFORMERS_PER_SIDE + 1):
            place(f"transformer-{side}{t}", PARTS["transformer"])
            connect(f"utility-{side}", "out", f"transformer-{side}{t}", "in")
    group("utility-feeds", "2N", ["utility-a", "utility-b"])
    for t in range(1, TRANSFORMERS_PER_SIDE + 1):
        group(f"transformers-{t}", "2N", [f"transformer-a{t}", f"transformer-b{t}"])

    # Heat rejection, site level.
    for d in range(1, DRY_COOLERS + 1):
        place(f"dry-cooler-{d:02d}", PARTS["dry"])
    group("dry-coolers", "N_PLUS_1", [f"dry-cooler-{d:02d}" for d in range(1, DRY_COOLERS + 1)])
    for c in range(1, CHILLERS + 1):
        place(f"chiller-{c}", PARTS["chiller"])
    for t in range(1, TOWERS + 1):
        place(f"cooling-tower-{t}", PARTS["tower"])
        for c in range(1, CHILLERS + 1):
            connect(f"cooling-tower-{t}", "cw-supply", f"chiller-{c}", "cw-in")
            connect(f"chiller-{c}", "cw-out", f"cooling-tower-{t}", "cw-return")
    group("chillers", "N_PLUS_1", [f"chiller-{c}" for c in range(1, CHILLERS + 1)])
    group("cooling-towers", "N_PLUS_1", [f"cooling-tower-{t}" for t in range(1, TOWERS + 1)])

    for r in range(1, ROWS + 1):
        row = f"hall-1.row-{r:02d}"
        transformer = (r - 1) // 2 + 1
        for side in "ab":
            ups = f"hall-1.ups-{side}{r}"
            place(ups, PARTS["ups"])
            connect(f"transformer-{side}{transformer}", "out", ups, "in")
            for half in (1, 2):
                rpp = f"{row}.rpp-{side}{half}"
                place(rpp, PARTS["rpp"], x=-1.2 if half == 1 else 19.2, y=0 if side == "a" else 1.2)
                connect(ups, "out", rpp, "in")
        group(f"hall-1.ups-{r}", "2N", [f"hall-1.ups-a{r}", f"hall-1.ups-b{r}"])
        for half in (1, 2):
            group(f"{row}.rpps-{half}", "2N", [f"{row}.rpp-a{half}", f"{row}.rpp-b{half}"])

        cdus = [f"{row}.cdu-{c}" for c in range(1, CDUS_PER_ROW + 1)]
        for c, cdu in enumerate(cdus):
            place(cdu, PARTS["cdu"], x=-2.4 - 1.2 * c, y=0)
            for d in range(1, DRY_COOLERS + 1):
                connect(f"dry-cooler-{d:02d}", "fw-supply", cdu, "fw-supply")
                connect(cdu, "fw-return", f"dry-cooler-{d:02d}", "fw-return")
        group(f"{row}.cdus", "N_PLUS_1", cdus)

        crahs = [f"{row}.crah-{c}" for c in range(1, CRAHS_PER_ROW + 1)]
        for c, crah in enumerate(crahs):
            place(crah, PARTS["crah"], x=20.4 + 1.2 * c, y=0)
            for ch in range(1, CHILLERS + 1):
                connect(f"chiller-{ch}", "chw-supply", crah, "chw-in")
                connect(crah, "chw-out", f"chiller-{ch}", "chw-return")
        group(f"{row}.crahs", "N_PLUS_1", crahs)

        for k in range(1, RACKS_PER_ROW + 1):
            rack = f"{row}.rack-{k:02d}"
            place(rack, RACK, x=(k - 1) * 1.2, y=0)
            half = 1 if k <= RACKS_PER_ROW // 2 else 2
            connect(f"{row}.rpp-a{half}", "out", rack, "power-a")
            connect(f"{row}.rpp-b{half}", "out", rack, "power-b")
            for cdu in cdus:
                connect(cdu, "tcs-supply", rack, "tcs-supply")
                connect(rack, "tcs-return", cdu, "tcs-return")
            for crah in crahs:
                connect(crah, "air-supply", rack, "air-in")

    out += ["  placements:"] + placements
    out += ["  connections:"] + connections
    out += ["  redundancy_groups:"] + groups
    out += ["  alternatives:"]
    alternatives = [
        ("virginia", "Virginia", "Grid power in PJM.", leesburg, None),
        ("texas", "Texas with solar",
         "Grid power in ERCOT with a 10 MW solar array; the array size is an example.",
         ("Dallas-Fort Worth, Texas", 32.898, -97.019, 170.7,
          "USA_TX_Dallas-Fort.Worth.epw", "ERCO"), 10000),
        ("pacific-northwest", "Pacific Northwest", "Hydro-heavy grid power in BPA.",
         ("Seattle-Tacoma, Washington", 47.444, -122.314, 137.0,
          "USA_WA_Seattle-Tacoma.epw", "BPAT"), None),
    ]
    for aid, name, description, place_site, solar in alternatives:
        out += [f"  - id: {aid}", f"    display_name: {name}", f"    description: {description}",
                "    site:"]
        out += ["  " + line for line in site(*place_site, solar_kw=solar)]
    print("\n".join(out))


if __name__ == "__main__":
    main()
