"""A second reference for `cargo xtask bench-plan`: VROOM (PyPI `pyvroom`)
on the same capacitated instance as `ortools_vrp.py` (node 0 the depot,
integer metres as its cost matrix), at exploration level 5 on one thread,
stopped after the given seconds like OR-Tools. Prints the total length in
metres and the seconds it took."""

import json
import sys
import time
from datetime import timedelta

import numpy
import vroom


def main():
    data = json.load(open(sys.argv[1]))
    matrix = numpy.array(data["matrix"], dtype=numpy.uint32)
    n, vehicles, capacity = len(matrix), data["vehicles"], data["capacity"]
    problem = vroom.Input()
    problem.set_durations_matrix(profile="car", matrix_input=matrix)
    for v in range(vehicles):
        problem.add_vehicle(vroom.Vehicle(v + 1, start=0, end=0, capacity=[capacity]))
    for j in range(1, n):
        problem.add_job(vroom.Job(j, location=j, delivery=[1]))
    started = time.monotonic()
    seconds = int(sys.argv[2])
    solution = problem.solve(exploration_level=5, nb_threads=1, timeout=timedelta(seconds=seconds))
    took = time.monotonic() - started
    if len(solution.unassigned) > 0:
        print("nan", took)
        return
    print(solution.summary.cost, round(took, 3))


if __name__ == "__main__":
    main()
