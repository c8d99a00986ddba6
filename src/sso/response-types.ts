// The OpenID Connect response types an authentication provider may prefer
// (spec §8.2); empty means "code". Shared by the registry's validation and the
// CLI's flag check, so both accept the same values.
export const responseTypes: readonly string[] = ["code", "token", "id_token", "code token", "code id_token", "id_token code", "id_token token", "code id_token token"];
