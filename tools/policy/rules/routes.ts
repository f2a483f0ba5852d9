/** How a subnet reaches the internet: the default routes of the route table it uses. */
import { StackView, TfResource, blocks } from '../stack-view';
import { Json } from '../types';

/** A subnet's default routes, or why the guard cannot know them. */
export type SubnetRoutes =
  | { readonly known: true; readonly routes: readonly Json[] }
  | { readonly known: false; readonly why: string };

const isDefault = (r: Json) =>
  [r.destination_cidr_block, r.cidr_block].includes('0.0.0.0/0') ||
  [r.destination_ipv6_cidr_block, r.ipv6_cidr_block].includes('::/0');

/** Whether `value` is `${aws_vpc.<vpc>.main_route_table_id}` or `.default_route_table_id` (the same table). */
function isMainTableOf(stack: StackView, value: unknown, vpc: TfResource): boolean {
  const ref = stack.reference(value);
  return (
    ref?.address === vpc.address && ['main_route_table_id', 'default_route_table_id'].includes(ref.attribute)
  );
}

/** Routes of `table` (a route table resource, or the VPC's main table): aws_route resources and inline blocks. */
function routesOf(stack: StackView, table: TfResource, vpc?: TfResource): Json[] {
  return [
    ...stack
      .resources('aws_route')
      .filter(
        (r) =>
          stack.refersTo(r.body.route_table_id, table) ||
          (vpc && isMainTableOf(stack, r.body.route_table_id, vpc)),
      )
      .map((r) => r.body),
    ...blocks(table.body.route),
  ];
}

/**
 * The routes of the VPC's main route table, which every subnet without an explicit
 * association uses. Known only when this stack manages it: through
 * aws_main_route_table_association or aws_default_route_table. AWS creates it with the
 * local route only, but anything outside Terraform can add an internet route to it.
 */
function mainTableRoutes(stack: StackView, vpc: TfResource): Json[] | undefined {
  const association = stack
    .resources('aws_main_route_table_association')
    .find((a) => stack.refersTo(a.body.vpc_id, vpc));
  const chosen = association && stack.target(association.body.route_table_id, 'aws_route_table');
  if (chosen) return routesOf(stack, chosen, vpc);
  const managed = stack
    .resources('aws_default_route_table')
    .find((t) => isMainTableOf(stack, t.body.default_route_table_id, vpc));
  return managed && routesOf(stack, managed, vpc);
}

/** The 0.0.0.0/0 and ::/0 routes `subnet` uses: its associated table's, else its VPC's main table's. */
export function defaultRoutes(stack: StackView, subnet: TfResource): SubnetRoutes {
  const association = stack
    .resources('aws_route_table_association')
    .find((a) => stack.refersTo(a.body.subnet_id, subnet));
  if (association) {
    const table = stack.target(association.body.route_table_id, 'aws_route_table');
    if (!table)
      return { known: false, why: `${association.address} names a route table not declared in this stack` };
    return { known: true, routes: routesOf(stack, table).filter(isDefault) };
  }
  const vpc = stack.target(subnet.body.vpc_id, 'aws_vpc');
  const main = vpc && mainTableRoutes(stack, vpc);
  if (!main) {
    return {
      known: false,
      why: "no route table association, and the VPC's main route table it falls back to is not managed in this stack (aws_main_route_table_association or aws_default_route_table)",
    };
  }
  return { known: true, routes: main.filter(isDefault) };
}

/** Where default routes lead: an internet gateway (public), a NAT gateway (private), or nowhere. */
export function routeTarget(stack: StackView, routes: readonly Json[]): 'internet' | 'nat' | 'none' {
  if (routes.some((r) => stack.target(r.gateway_id, 'aws_internet_gateway'))) return 'internet';
  if (routes.some((r) => stack.target(r.nat_gateway_id, 'aws_nat_gateway'))) return 'nat';
  return 'none';
}

/** Where a subnet's default route leads, or unknown when its route table is not in the stack. */
export function defaultRouteTarget(
  stack: StackView,
  subnet: TfResource,
): 'internet' | 'nat' | 'none' | 'unknown' {
  const found = defaultRoutes(stack, subnet);
  return found.known ? routeTarget(stack, found.routes) : 'unknown';
}
