/** A target of an issue, checked against one run's figures and printed as met or MISSED. */
export interface Target {
  what: string;
  value: string;
  met: boolean | undefined;
}
