// de catalogue: English source string -> translation (missing ones stay English).
const catalogue: Record<string, string> = {};

export default catalogue;
