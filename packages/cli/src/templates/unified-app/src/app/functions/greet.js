// An app function needs no package.json while it imports no package; add one beside it when it does.
exports.main = async (context = {}) => {
  const { text = "" } = context.parameters ?? {};
  return { message: `The app function received: ${text}` };
};
