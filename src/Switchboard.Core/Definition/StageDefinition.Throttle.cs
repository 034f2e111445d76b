using System.Text.Json.Serialization;

namespace Switchboard.Definition;

public sealed partial record StageDefinition
{
    /// <summary>
    /// A token bucket for the whole stage, shared by every method and every caller, with or without a key (API
    /// Gateway's stage-level default method throttling). REST API stages only. Optional; default unthrottled.
    /// </summary>
    // After variables in written files and error messages, whichever part of the record the compiler reads first.
    [JsonPropertyOrder(1)]
    public ThrottleDefinition? Throttle { get; init; }
}
