import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtWidgets import QApplication
from PySide6.QtGui import QImage, QPainter, QColor, QFont, QPen
from PySide6.QtCore import Qt, QRectF
app = QApplication([])
def draw(size):
    img = QImage(size, size, QImage.Format.Format_ARGB32)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img); p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setBrush(QColor("#b3261e")); p.setPen(Qt.PenStyle.NoPen)
    p.drawRoundedRect(QRectF(0, 0, size, size), size * 0.18, size * 0.18)
    # an open book in gold
    p.setBrush(QColor("#f2c14e"))
    m = size * 0.18
    p.drawRoundedRect(QRectF(m, size*0.3, size/2 - m - size*0.02, size*0.45), size*0.03, size*0.03)
    p.drawRoundedRect(QRectF(size/2 + size*0.02, size*0.3, size/2 - m - size*0.02, size*0.45), size*0.03, size*0.03)
    # star
    from PySide6.QtGui import QPolygonF
    from PySide6.QtCore import QPointF
    import math
    cx, cy, r = size/2, size*0.17, size*0.1
    pts = []
    for i in range(10):
        a = -math.pi/2 + i*math.pi/5
        rr = r if i % 2 == 0 else r*0.4
        pts.append(QPointF(cx + rr*math.cos(a), cy + rr*math.sin(a)))
    p.drawPolygon(QPolygonF(pts))
    p.end()
    return img
draw(256).save("resources/icons/app.png")
ok = draw(256).save("resources/icons/app.ico")
print("ico", ok)
