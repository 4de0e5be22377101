// Cold-start slice: nothing at all, the zero point (Node's cost of importing any module).

export const handler = async (): Promise<null> => null;
