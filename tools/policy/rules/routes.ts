/** How a subnet reaches the internet: its route table's default routes. */
import { StackView, TfResource, blocks } from '../stack-view';
import { Json } from '../types';

/** The 0.0.0.0/0 routes of the route table associated with `subnet` (aws_route and inline). */
export function defaultRoutes(stack: StackView, subnet: TfResource): Json[] {
  const association = stack
    .resources('aws_route_table_association')
    .find((a) => stack.refersTo(a.body.subnet_id, subnet));
  const table = association && stack.target(association.body.route_table_id, 'aws_route_table');
  if (!table) return [];
  return [
    ...stack
      .resources('aws_route')
      .filter((r) => stack.refersTo(r.body.route_table_id, table))
      .map((r) => r.body),
    ...blocks(table.body.route),
  ].filter((r: Json) => r.destination_cidr_block === '0.0.0.0/0' || r.cidr_block === '0.0.0.0/0');
}

/** Whether a subnet's default route leads to an internet gateway (public), a NAT gateway (private) or nowhere. */
export function defaultRouteTarget(stack: StackView, subnet: TfResource): 'internet' | 'nat' | 'none' {
  const routes = defaultRoutes(stack, subnet);
  if (routes.some((r) => stack.target(r.gateway_id, 'aws_internet_gateway'))) return 'internet';
  if (routes.some((r) => stack.target(r.nat_gateway_id, 'aws_nat_gateway'))) return 'nat';
  return 'none';
}
