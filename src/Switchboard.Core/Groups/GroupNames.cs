namespace Switchboard.Groups;

/// <summary>Group names: 1 to 128 characters of <c>[A-Za-z0-9_.:-]</c>, so they need no escaping in a URL path.</summary>
public static class GroupNames
{
    public const int MaxLength = 128;

    public const string Rule = "1 to 128 characters of letters, digits, '_', '.', ':' and '-'";

    public static bool IsValid(ReadOnlySpan<char> name)
    {
        if (name.Length is 0 or > MaxLength)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '.' or ':' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
