"""The references for `cargo xtask bench-plan`: PyVRP (hybrid genetic
search) and OR-Tools (guided local search from path-cheapest-arc) on the
same CVRPLIB instance, with the instance's number of vehicles, rounded
Euclidean distances and the given seconds each. Prints both costs
("nan" when a solver finds no feasible solution)."""

import json
import math
import sys


def matrix(xy):
    return [[round(math.dist(a, b)) for b in xy] for a in xy]


def pyvrp_cost(data, dist, seconds):
    from pyvrp import Model
    from pyvrp.stop import MaxRuntime

    m = Model()
    m.add_vehicle_type(num_available=data["vehicles"], capacity=data["capacity"])
    locations = [m.add_location(x=round(x), y=round(y)) for x, y in data["xy"]]
    m.add_depot(locations[0])
    for location, d in zip(locations[1:], data["demand"][1:]):
        m.add_client(location, delivery=d)
    for i, a in enumerate(locations):
        for j, b in enumerate(locations):
            m.add_edge(a, b, distance=dist[i][j])
    res = m.solve(stop=MaxRuntime(seconds), seed=1, display=False)
    return res.cost() if res.is_feasible() else float("nan")


def ortools_cost(data, dist, seconds):
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    n, vehicles = len(dist), data["vehicles"]
    manager = pywrapcp.RoutingIndexManager(n, vehicles, 0)
    routing = pywrapcp.RoutingModel(manager)
    transit = routing.RegisterTransitCallback(
        lambda i, j: dist[manager.IndexToNode(i)][manager.IndexToNode(j)]
    )
    routing.SetArcCostEvaluatorOfAllVehicles(transit)
    demand = routing.RegisterUnaryTransitCallback(lambda i: data["demand"][manager.IndexToNode(i)])
    routing.AddDimensionWithVehicleCapacity(demand, 0, [data["capacity"]] * vehicles, True, "load")
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    params.time_limit.FromMilliseconds(int(seconds * 1000))
    solution = routing.SolveWithParameters(params)
    return solution.ObjectiveValue() if solution else float("nan")


def main():
    data = json.load(open(sys.argv[1]))
    seconds = float(sys.argv[2])
    dist = matrix(data["xy"])
    costs = []
    for solver in (pyvrp_cost, ortools_cost):
        try:
            costs.append(solver(data, dist, seconds))
        except Exception as e:  # a missing solver is a gap in the table, not a stop
            print(f"{solver.__name__}: {e}", file=sys.stderr)
            costs.append(float("nan"))
    print(" ".join(str(c) for c in costs))


if __name__ == "__main__":
    main()
