#include "mappicture.h"

#include <QGraphicsScene>
#include <QImage>
#include <QPainter>
#include <QSaveFile>
#include <QSvgGenerator>

namespace hopscope {

QString MapPicture::write(QGraphicsScene& scene, const QString& path) const
{
    const QRectF source = scene.sceneRect();
    if (source.isEmpty())
        return tr("there is no map to export");
    const QRectF target(QPointF(0, 0), source.size());
    QSaveFile file(path);
    if (path.endsWith(QLatin1String(".svg"), Qt::CaseInsensitive)) {
        if (!file.open(QIODevice::WriteOnly))
            return file.errorString();
        QSvgGenerator svg;
        svg.setOutputDevice(&file);
        svg.setSize(source.size().toSize());
        svg.setViewBox(target);
        svg.setTitle(title);
        svg.setDescription(description);
        QPainter painter(&svg);
        scene.render(&painter, target, source);
        painter.end();
    } else {
        const qreal scale = 2;
        QImage image((source.size() * scale).toSize(), QImage::Format_ARGB32_Premultiplied);
        image.setDevicePixelRatio(scale);
        image.fill(background);
        QPainter painter(&image);
        scene.render(&painter, target, source);
        painter.end();
        if (!file.open(QIODevice::WriteOnly) || !image.save(&file, "PNG"))
            return file.errorString();
    }
    if (!file.commit())
        return file.errorString();
    return {};
}

} // namespace hopscope
