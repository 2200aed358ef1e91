"""The reference for `cargo xtask bench-plan`: OR-Tools' routing solver on
the same capacitated instance (node 0 the depot, integer metres), with
path-cheapest-arc first solutions and guided local search for the given
seconds. Prints the total length in metres."""

import json
import sys

from ortools.constraint_solver import pywrapcp, routing_enums_pb2


def main():
    data = json.load(open(sys.argv[1]))
    seconds = int(sys.argv[2])
    matrix = data["matrix"]
    n, vehicles, capacity = len(matrix), data["vehicles"], data["capacity"]
    manager = pywrapcp.RoutingIndexManager(n, vehicles, 0)
    routing = pywrapcp.RoutingModel(manager)
    transit = routing.RegisterTransitCallback(
        lambda i, j: matrix[manager.IndexToNode(i)][manager.IndexToNode(j)]
    )
    routing.SetArcCostEvaluatorOfAllVehicles(transit)
    demand = routing.RegisterUnaryTransitCallback(lambda i: 0 if manager.IndexToNode(i) == 0 else 1)
    routing.AddDimensionWithVehicleCapacity(demand, 0, [capacity] * vehicles, True, "stops")
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    params.time_limit.seconds = seconds
    solution = routing.SolveWithParameters(params)
    print(solution.ObjectiveValue() if solution else "nan")


if __name__ == "__main__":
    main()
