using System.Text;
using Orleans.AsyncInvoke.Silo.Gateway.Aws.Sqs;

namespace Orleans.AsyncInvoke.Tests.Sqs;

/// <summary>The digests the SDKs check, against values SQS itself answers for the same input.</summary>
public sealed class SqsMd5Tests
{
    [Fact]
    public void OfBody_WhenTheBodyIsText_IsTheMd5OfItsUtf8Bytes()
    {
        Assert.Equal("5d41402abc4b2a76b9719d911017c592", SqsMd5.OfBody("hello"));
        Assert.Equal("d41d8cd98f00b204e9800998ecf8427e", SqsMd5.OfBody(""));
    }

    [Fact]
    public void OfAttributes_WhenOneStringAttribute_MatchesSqs()
    {
        var digest = SqsMd5.OfAttributes([new SqsMessageAttribute("attribName1", "String", "attribValue 1", null)]);

        Assert.Equal("19e27d4e946b072f3f58da80d94fd778", digest);
    }

    [Fact]
    public void OfAttributes_WhenACustomNumberType_EncodesTheTypeAsGiven()
    {
        var digest = SqsMd5.OfAttributes([new SqsMessageAttribute("customNumberTypeAttrib", "Number.float", "4563442423554324324264524243.32543234", null)]);

        Assert.Equal("9fe1b90bbd9965bdf77bac517c7d2495", digest);
    }

    [Fact]
    public void OfAttributes_WhenBinary_HashesTheRawBytesWithTransportType2()
    {
        var digest = SqsMd5.OfAttributes([new SqsMessageAttribute("binaryAttribute", "Binary", null, Encoding.UTF8.GetBytes("Hello binary world!"))]);

        Assert.Equal("31a92b15d92f8db860eda32aceb656c3", digest);
    }

    [Fact]
    public void OfAttributes_WhenSeveralInAnyOrder_SortsThemByName()
    {
        SqsMessageAttribute[] attributes =
        [
            new("binaryAttribute", "Binary", null, Encoding.UTF8.GetBytes("Hello binary world!")),
            new("customNumberTypeAttrib", "Number.float", "4563442423554324324264524243.32543234", null),
            new("attribName1", "String", "attribValue 1", null),
        ];

        Assert.Equal("c932db14a896c663f83c260297d594ff", SqsMd5.OfAttributes(attributes));
        Assert.Equal("c932db14a896c663f83c260297d594ff", SqsMd5.OfAttributes([.. attributes.Reverse()]));
    }

    [Fact]
    public void OfAttributes_WhenThereAreNone_IsNull() => Assert.Null(SqsMd5.OfAttributes([]));
}
