using System.Security.Cryptography;
using System.Text;

namespace Switchboard.Routing;

/// <summary>
/// The <c>apiId</c> events carry: ten characters of <c>[a-z0-9]</c> like API Gateway's, derived from the API's name so
/// every node and every restart give the same id without configuration.
/// </summary>
internal static class ApiIds
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    public static string For(string apiName)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(apiName));
        Span<char> id = stackalloc char[10];
        for (var i = 0; i < id.Length; i++)
        {
            id[i] = Alphabet[hash[i] % Alphabet.Length];
        }

        return new string(id);
    }
}
