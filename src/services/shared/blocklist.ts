// IDs nobody may register: names of the server's own routes and parts, and
// names people would take for the operator's. Applies to user IDs and entity
// IDs alike (`pkg/identityserver/blocklist:forbidden_id`).
import { errForbiddenID } from "../../errors/index.js";

const reserved = new Set(
  `admin admins administrator administrators root superuser system sysadmin operator operators owner staff
   support help helpdesk info contact abuse security noc postmaster hostmaster webmaster mail email noreply no-reply
   api apis api-v3 v3 grpc rpc oauth oauth2 auth authorize authorization token tokens login logout signin signout sign-in
   sign-out signup sign-up register registration account accounts session sessions password passwords reset verify
   validate validation invitation invitations invite invites me self my user users profile profiles settings
   application applications app apps client clients gateway gateways device devices end-device end-devices
   organization organizations org orgs collaborator collaborators member members right rights api-key api-keys
   search bookmark bookmarks notification notifications tenant tenants
   console dashboard identity-server identityserver network-server networkserver application-server applicationserver
   join-server joinserver gateway-server gatewayserver packet-broker
   is gs ns as js dtc qrg gcs dcs
   assets static public blob blobs health healthz metrics status debug config configuration www web localhost
   null undefined none nil true false default all new edit delete create update list`.split(/\s+/).filter(Boolean),
);

export function assertAllowedID(id: string): void {
  if (reserved.has(id)) throw errForbiddenID({ id });
}
