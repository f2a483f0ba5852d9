import { Route } from '@cdktf/provider-aws/lib/route';
import { VpcPeeringConnection } from '@cdktf/provider-aws/lib/vpc-peering-connection';
import { Construct } from 'constructs';

/** One side of a peering: the VPC, its range, and the route tables that get a route to the other side. */
export interface PeeringSide {
  readonly vpcId: string;
  /** The VPC's IPv4 range: the other side routes exactly this through the peering. */
  readonly cidr: string;
  readonly routeTableIds: readonly string[];
}

export interface VpcPeeringProps {
  /** Name tag of the peering connection. */
  readonly name: string;
  /** The VPC that requests the peering (a hub's). */
  readonly requester: PeeringSide;
  /** The VPC that accepts it (the monitoring VPC), in the same account and region. */
  readonly accepter: PeeringSide;
}

/**
 * A VPC peering connection within one account and region, accepted at once, and a route
 * in every listed route table of each side to exactly the other side's range. Owned by
 * the requester's stack: destroying it removes the peering and the accepter's routes to
 * it, and nothing else of the accepter.
 */
export class VpcPeering extends Construct {
  readonly connection: VpcPeeringConnection;
  readonly routes: Route[] = [];
  /** Each route's side and destination range, as plain strings (the resources' attributes are tokens). */
  readonly routeDestinations: Array<{
    readonly side: 'requester' | 'accepter';
    readonly destination: string;
  }> = [];

  constructor(scope: Construct, id: string, props: VpcPeeringProps) {
    super(scope, id);
    this.connection = new VpcPeeringConnection(this, 'connection', {
      vpcId: props.requester.vpcId,
      peerVpcId: props.accepter.vpcId,
      autoAccept: true,
      tags: { Name: props.name },
    });
    const addRoutes = (side: 'requester' | 'accepter', from: PeeringSide, to: PeeringSide) =>
      from.routeTableIds.forEach((routeTableId, i) => {
        this.routeDestinations.push({ side, destination: to.cidr });
        this.routes.push(
          new Route(this, `${side}-route-${i}`, {
            routeTableId,
            destinationCidrBlock: to.cidr,
            vpcPeeringConnectionId: this.connection.id,
          }),
        );
      });
    addRoutes('requester', props.requester, props.accepter);
    addRoutes('accepter', props.accepter, props.requester);
  }
}
