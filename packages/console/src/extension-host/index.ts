// Public API of the UI extension host, for the console (browser side).
export { mountCard, CardView, type MountedCard } from "./host";
export { CardSession, validateCardOptions, type CardOptions, type CardState, type CardStatus } from "./card-session";
export { componentMap } from "./component-map";
export type * from "./contract";
