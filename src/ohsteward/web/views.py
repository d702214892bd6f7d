from django.http import HttpResponse, HttpResponseNotFound


def home(request):
    return HttpResponse("ohsteward")


def page_not_found(request, exception=None):
    return HttpResponseNotFound("页面不存在或不在您的管辖范围内")
