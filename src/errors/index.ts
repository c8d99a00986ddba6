// Public surface of the error catalogue.
export * from "./definition.js";
export * from "./catalogue.js";
export { toConnectError, toHttpError, httpStatusOf, asIsError, errorDetailsOf, type HttpError } from "./convert.js";
