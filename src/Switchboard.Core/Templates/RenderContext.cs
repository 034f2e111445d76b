using System.Text;

namespace Switchboard.Templates;

/// <summary>The state of one render: the output buffer, the variables and the request's lazily parsed body.</summary>
internal sealed class RenderContext : IDisposable
{
    private readonly Dictionary<string, object?> _variables;

    public RenderContext(TemplateInput input, StringBuilder output)
    {
        Output = output;
        Input = new InputVariable(input);
        var stageVariables = new VtlMap();
        foreach (var (name, value) in input.StageVariables)
        {
            stageVariables[name] = value;
        }

        _variables = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["input"] = Input,
            ["util"] = UtilVariable.Instance,
            ["context"] = input.Context,
            ["stageVariables"] = stageVariables,
        };
    }

    public StringBuilder Output { get; set; }

    public InputVariable Input { get; }

    public object? GetVariable(string name) => _variables.GetValueOrDefault(name);

    public void SetVariable(string name, object? value) => _variables[name] = value;

    /// <summary>Puts back a value saved before a loop; null means the variable did not exist.</summary>
    public void RestoreVariable(string name, object? saved)
    {
        if (saved is null)
        {
            _variables.Remove(name);
        }
        else
        {
            _variables[name] = saved;
        }
    }

    public void Dispose() => Input.Dispose();
}
