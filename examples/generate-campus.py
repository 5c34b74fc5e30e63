#!/usr/bin/env python3
"""Write a design document for a campus of GB200 NVL72 racks, up to gigawatt scale.

The campus is built from blocks of 128 racks, each with the equipment and topology of the
reference hall (generate-reference-hall.py). A block has 8 rows of 16 racks and 3 CDUs per row at
N+1. Its power is 2N through RPPs, UPS units, transformers and a pair of 20 MW utility feeds. Heat
goes to 9 dry coolers at N+1, and the air side to 2 CRAHs per row on 2 chillers with 2 cooling
towers. A hall holds up to 8 blocks. The design
uses the part revisions of catalog.yaml, so import that first. The default of 7,500 racks rounds
up to 59 blocks: 7,552 racks (906 MW of IT load at 120 kW per rack) in 8 halls, with 14,101
placements and 108,560 connections.

    python3 examples/generate-campus.py [--racks N] [--design-id ID] [-o FILE]

bench/lifecycle-scale.sh generates its documents with this script at run time; they are not
kept in the repository because the default one is about 12 MB.
"""

import argparse
import sys

ROWS_PER_BLOCK = 8
RACKS_PER_ROW = 16
RACKS_PER_BLOCK = ROWS_PER_BLOCK * RACKS_PER_ROW
BLOCKS_PER_HALL = 8
CDUS_PER_ROW = 3
CRAHS_PER_ROW = 2
DRY_COOLERS = 9
CHILLERS = 2
TOWERS = 2
TRANSFORMERS_PER_SIDE = 4
ROW_PITCH_M = 3.6
RACK_PITCH_M = 1.2
HALL_PITCH_M = 60.0

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

# Design power per rack in kW, from the gb200-nvl72 revision in catalog.yaml.
RACK_DESIGN_POWER_KW = 120


class Design:
    """Collects the element lines of one design revision."""

    def __init__(self):
        self.halls = []
        self.rows = []
        self.placements = []
        self.connections = []
        self.groups = []

    def place(self, pid, part, x=None, y=None):
        position = "" if x is None else f", position: {{x_m: {x:.1f}, y_m: {y:.1f}}}"
        self.placements.append(f"  - {{id: {pid}, part_revision: {part}{position}}}")

    def connect(self, source, source_port, target, target_port):
        self.connections.append(
            f"  - {{source_placement: {source}, source_port: {source_port},"
            f" target_placement: {target}, target_port: {target_port}}}")

    def group(self, gid, redundancy, members):
        self.groups.append(
            f"  - {{id: {gid}, redundancy: {redundancy}, members: [{', '.join(members)}]}}")


def add_block(design, hall, block, first_row):
    """Add one block of 8 rows to a hall: its rows, racks, power chain and heat rejection.

    Site-level equipment of the block (utility feeds, transformers, dry coolers, chillers,
    cooling towers) is placed in the hall and named after the block, such as
    hall-2.block-3-dry-cooler-05.
    """
    prefix = f"{hall}.block-{block}"

    # Power: a utility pair and the transformers of each path. One 20 MW feed carries the block's
    # 15.36 MW at 2N, and one 4 MW transformer carries two rows.
    for side in "ab":
        utility = f"{prefix}-utility-{side}"
        design.place(utility, PARTS["utility"])
        for t in range(1, TRANSFORMERS_PER_SIDE + 1):
            design.place(f"{prefix}-transformer-{side}{t}", PARTS["transformer"])
            design.connect(utility, "out", f"{prefix}-transformer-{side}{t}", "in")
    design.group(f"{prefix}-utility-feeds", "2N", [f"{prefix}-utility-a", f"{prefix}-utility-b"])
    for t in range(1, TRANSFORMERS_PER_SIDE + 1):
        design.group(f"{prefix}-transformers-{t}", "2N",
                     [f"{prefix}-transformer-a{t}", f"{prefix}-transformer-b{t}"])

    # Heat rejection: dry coolers for the liquid loop, chillers and towers for the air side.
    dry_coolers = [f"{prefix}-dry-cooler-{d:02d}" for d in range(1, DRY_COOLERS + 1)]
    for dry_cooler in dry_coolers:
        design.place(dry_cooler, PARTS["dry"])
    design.group(f"{prefix}-dry-coolers", "N_PLUS_1", dry_coolers)
    chillers = [f"{prefix}-chiller-{c}" for c in range(1, CHILLERS + 1)]
    towers = [f"{prefix}-cooling-tower-{t}" for t in range(1, TOWERS + 1)]
    for chiller in chillers:
        design.place(chiller, PARTS["chiller"])
    for tower in towers:
        design.place(tower, PARTS["tower"])
        for chiller in chillers:
            design.connect(tower, "cw-supply", chiller, "cw-in")
            design.connect(chiller, "cw-out", tower, "cw-return")
    design.group(f"{prefix}-chillers", "N_PLUS_1", chillers)
    design.group(f"{prefix}-cooling-towers", "N_PLUS_1", towers)

    for offset in range(ROWS_PER_BLOCK):
        r = first_row + offset
        row = f"{hall}.row-{r:02d}"
        design.rows.append(
            f"  - {{id: {row}, position: {{x_m: 0, y_m: {(r - 1) * ROW_PITCH_M:.1f}}}}}")
        transformer = offset // 2 + 1
        for side in "ab":
            ups = f"{hall}.ups-{side}{r}"
            design.place(ups, PARTS["ups"])
            design.connect(f"{prefix}-transformer-{side}{transformer}", "out", ups, "in")
            for half in (1, 2):
                rpp = f"{row}.rpp-{side}{half}"
                design.place(rpp, PARTS["rpp"], x=-1.2 if half == 1 else 19.2,
                             y=0 if side == "a" else 1.2)
                design.connect(ups, "out", rpp, "in")
        design.group(f"{hall}.ups-{r}", "2N", [f"{hall}.ups-a{r}", f"{hall}.ups-b{r}"])
        for half in (1, 2):
            design.group(f"{row}.rpps-{half}", "2N", [f"{row}.rpp-a{half}", f"{row}.rpp-b{half}"])

        cdus = [f"{row}.cdu-{c}" for c in range(1, CDUS_PER_ROW + 1)]
        for c, cdu in enumerate(cdus):
            design.place(cdu, PARTS["cdu"], x=-2.4 - 1.2 * c, y=0)
            for dry_cooler in dry_coolers:
                design.connect(dry_cooler, "fw-supply", cdu, "fw-supply")
                design.connect(cdu, "fw-return", dry_cooler, "fw-return")
        design.group(f"{row}.cdus", "N_PLUS_1", cdus)

        crahs = [f"{row}.crah-{c}" for c in range(1, CRAHS_PER_ROW + 1)]
        for c, crah in enumerate(crahs):
            design.place(crah, PARTS["crah"], x=20.4 + 1.2 * c, y=0)
            for chiller in chillers:
                design.connect(chiller, "chw-supply", crah, "chw-in")
                design.connect(crah, "chw-out", chiller, "chw-return")
        design.group(f"{row}.crahs", "N_PLUS_1", crahs)

        for k in range(1, RACKS_PER_ROW + 1):
            rack = f"{row}.rack-{k:02d}"
            design.place(rack, RACK, x=(k - 1) * RACK_PITCH_M, y=0)
            half = 1 if k <= RACKS_PER_ROW // 2 else 2
            design.connect(f"{row}.rpp-a{half}", "out", rack, "power-a")
            design.connect(f"{row}.rpp-b{half}", "out", rack, "power-b")
            for cdu in cdus:
                design.connect(cdu, "tcs-supply", rack, "tcs-supply")
                design.connect(rack, "tcs-return", cdu, "tcs-return")
            for crah in crahs:
                design.connect(crah, "air-supply", rack, "air-in")


def build(racks):
    """Return the campus design with at least the given number of racks, in whole blocks."""
    blocks = max(1, -(-racks // RACKS_PER_BLOCK))
    design = Design()
    for b in range(blocks):
        h = b // BLOCKS_PER_HALL + 1
        block = b % BLOCKS_PER_HALL + 1
        hall = f"hall-{h}"
        if block == 1:
            design.halls.append(
                f"  - {{id: {hall}, display_name: Hall {h},"
                f" position: {{x_m: {(h - 1) * HALL_PITCH_M:.1f}, y_m: 0}}}}")
        add_block(design, hall, block, (block - 1) * ROWS_PER_BLOCK + 1)
    return blocks, design


def render(design_id, blocks, design):
    racks = blocks * RACKS_PER_BLOCK
    halls = len(design.halls)
    it_mw = racks * RACK_DESIGN_POWER_KW / 1000
    out = [
        f"# Campus of {racks:,} NVIDIA GB200 NVL72 racks in {halls} hall{'s' if halls > 1 else ''},"
        f" {it_mw:,.2f} MW IT at"
        f" {RACK_DESIGN_POWER_KW} kW design",
        f"# power per rack: {blocks} block{'s' if blocks > 1 else ''} of 128 racks, each with the"
        " equipment and topology of"
        " the reference hall.",
        f"# {len(design.placements):,} placements, {len(design.connections):,} connections,"
        f" {len(design.groups):,} redundancy groups.",
        "# Import after catalog.yaml. Written by examples/generate-campus.py; change the script,"
        " not this file.",
        "",
        "designs:",
        f"- id: {design_id}",
        f"  display_name: Campus, {racks:,} GB200 NVL72",
        "  description: Scale test design of whole reference-hall blocks.",
        "  change_summary: First issue.",
        "  site:",
        # Coordinates and elevation are from the LOCATION line of the EPW weather file.
        "    display_name: Leesburg, Virginia",
        "    latitude_deg: 39.078",
        "    longitude_deg: -77.558",
        "    elevation_m: 119.0",
        "    weather_data_set: USA_VA_Leesburg.Exec.epw",
        "    power_source:",
        "      grid_region: PJM",
        "  halls:",
    ]
    out += design.halls
    out += ["  rows:"] + design.rows
    out += ["  placements:"] + design.placements
    out += ["  connections:"] + design.connections
    out += ["  redundancy_groups:"] + design.groups
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--racks", type=int, default=7500,
                        help="minimum number of racks, rounded up to whole blocks of 128"
                             " (default 7500)")
    parser.add_argument("--design-id", default="campus", help="design id (default campus)")
    parser.add_argument("-o", "--output", help="file to write (default standard output)")
    args = parser.parse_args()
    if args.racks < 1:
        parser.error(f"--racks must be at least 1, got {args.racks}")

    blocks, design = build(args.racks)
    text = render(args.design_id, blocks, design)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as file:
            file.write(text)
    else:
        sys.stdout.write(text)
    print(f"{blocks * RACKS_PER_BLOCK} racks, {len(design.placements)} placements,"
          f" {len(design.connections)} connections", file=sys.stderr)


if __name__ == "__main__":
    main()
