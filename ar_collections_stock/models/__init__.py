from . import ar_goods_return
