using Switchboard.Templates;
using static Switchboard.Tests.Templates.TemplateAssert;

namespace Switchboard.Tests.Templates;

public sealed class ThreadSafetyTests
{
    [Fact]
    public async Task OneTemplate_RenderedConcurrently_GivesEachRequestItsOwnOutput()
    {
        var template = Compile("""
            #set($items = $input.path('$.items'))
            {"id": "$input.params('id')", "sum": #set($sum = 0)#foreach($i in $items)#set($sum = $sum + $i)#end$sum, "escaped": "$util.escapeJavaScript($input.path('$.name')).replaceAll("\\'", "'")"}
            """);

        var tasks = Enumerable.Range(0, 8).Select(worker => Task.Run(() =>
        {
            for (var n = 0; n < 500; n++)
            {
                var id = $"{worker}-{n}";
                var input = new TemplateInput
                {
                    Body = $$"""{"items": [{{n}}, {{worker}}, 1], "name": "it's {{id}}"}""",
                    QueryParameters = Pairs(("id", id)),
                };
                var expected = $$"""{"id": "{{id}}", "sum": {{n + worker + 1}}, "escaped": "it's {{id}}"}""";
                Assert.Equal(expected, template.Render(input));
            }
        }));

        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(60));
    }
}
