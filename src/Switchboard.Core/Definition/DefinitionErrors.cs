namespace Switchboard.Definition;

/// <summary>Collects the errors of one file, so validation reports all of them rather than the first.</summary>
internal sealed class DefinitionErrors(string file)
{
    private readonly List<DefinitionError> _errors = [];

    public int Count => _errors.Count;

    public IReadOnlyList<DefinitionError> Items => _errors;

    public void Add(string jsonPath, string message) => _errors.Add(new DefinitionError(file, jsonPath, message));
}
