using System.Text;
using System.Text.Json;
using Switchboard.Integrations.Catalog;
using Switchboard.Routing;

namespace Switchboard.Groups;

/// <summary>A group named in a route integration: a literal name, or a JSON path into the message (<c>$request.body.room</c>).</summary>
internal sealed class GroupReference
{
    private const string BodyPrefix = "$request.body.";

    private readonly string? _literal;
    private readonly JsonBodyPath? _path;

    private GroupReference(string? literal, JsonBodyPath? path)
    {
        _literal = literal;
        _path = path;
    }

    public static bool IsPath(string text) => text.StartsWith('$');

    public static void Validate(string text, string jsonPath, IntegrationValidationContext context)
    {
        if (IsPath(text))
        {
            if (!text.StartsWith(BodyPrefix, StringComparison.Ordinal))
            {
                context.Add(jsonPath, $"'{text}' is not a message path; expected $request.body.NAME or a literal group name");
            }
            else if (!JsonBodyPath.TryParse(text, out _, out var error))
            {
                context.Add(jsonPath, error);
            }
        }
        else if (!GroupNames.IsValid(text))
        {
            context.Add(jsonPath, $"invalid group name '{text}'; expected {GroupNames.Rule}, or a path like $request.body.room");
        }
    }

    public static GroupReference Parse(string text)
    {
        if (!IsPath(text))
        {
            return new GroupReference(text, null);
        }

        return JsonBodyPath.TryParse(text, out var path, out var error)
            ? new GroupReference(null, path)
            : throw new InvalidOperationException(error);
    }

    /// <summary>The group this message names; false when the path is missing, not a string, or not a valid name.</summary>
    public bool TryResolve(ReadOnlySpan<byte> message, out string name)
    {
        if (_literal is not null)
        {
            name = _literal;
            return true;
        }

        name = "";
        var value = JsonBody.Find(message, _path!);
        if (!value.Found || value.Kind != JsonTokenType.String)
        {
            return false;
        }

        var text = Encoding.UTF8.GetString(value.Value(message));
        if (!GroupNames.IsValid(text))
        {
            return false;
        }

        name = text;
        return true;
    }
}
